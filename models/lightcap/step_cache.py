"""Lets the caption decoder hand back only this step's keys and values.

Each decoding step used to return the whole self-attention cache, every
earlier position again plus the new one (`present_keys`, `present_values`,
[layers, batch, heads, past + 1, head_dim]). onnxruntime-web copies every
output out of WebAssembly memory into a new JavaScript array, and the engine
then copied the cache once more to put the beams in their new order; in the
browser those fresh arrays, and the garbage they became, cost more than the
copies. The decoder now returns the new position only (`step_keys`,
`step_values`, [layers, batch, heads, 1, head_dim]) and the engine writes the
next step's cache itself, the kept beams' rows followed by their new
position, into buffers it reuses (src/engine/caption/model.ts, appendStep).

The graph computes the same numbers (each layer still attends over its
concatenated cache), so the tokens are the same; the training smoke test and
the golden test check that.

    /usr/bin/python3 models/lightcap/step_cache.py FOLDER

FOLDER/decoder.onnx is broadcast_memory.py's output, where each present
output is a Concat over layers of Unsqueeze(Concat(past layer, new position)).
The manifest gets `decoderReturnsStep`, the new outputs' shapes and the
decoder's new size. Running it on a decoder already changed is an error.
"""
import os
import sys

import onnx
from onnx import TensorProto, helper

from manifest_file import edited_manifest

OUTPUTS = (('present_keys', 'step_keys'), ('present_values', 'step_values'))


def attribute(node: onnx.NodeProto, name: str, default: int) -> int:
    return next((a.i for a in node.attribute if a.name == name), default)


def step_outputs(path: str, layers: int, heads: int, head_dim: int) -> None:
    model = onnx.load(path, load_external_data=False)
    graph = model.graph
    outputs = {o.name for o in graph.output}
    if any(new in outputs for _, new in OUTPUTS):
        raise SystemExit(f'{path}: the decoder already returns its step only')
    producer = {o: node for node in graph.node for o in node.output}
    consumers: dict = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    removed = []
    added = []
    for present, step in OUTPUTS:
        stack = producer.get(present)
        if stack is None or stack.op_type != 'Concat' or attribute(stack, 'axis', 0) != 0 or len(stack.input) != layers:
            raise SystemExit(f'{path}: expected {present} to be a Concat of {layers} layers on axis 0')
        new_positions = []
        for layer_input in stack.input:
            unsqueeze = producer.get(layer_input)
            if unsqueeze is None or unsqueeze.op_type != 'Unsqueeze' or len(consumers.get(layer_input, [])) != 1:
                raise SystemExit(f'{path}: expected each layer of {present} to be unsqueezed for it alone')
            joined = producer.get(unsqueeze.input[0])
            if joined is None or joined.op_type != 'Concat' or len(joined.input) != 2 or attribute(joined, 'axis', 0) not in (2, -2):
                raise SystemExit(f'{path}: expected a layer of {present} to be Concat(past, new position) on the time axis')
            # The layer's attention still reads the joined cache; only the stacking for the output goes.
            new_position = joined.input[1]
            lifted = f'{step}/{len(new_positions)}'
            added.append(helper.make_node('Unsqueeze', [new_position, unsqueeze.input[1]], [lifted], name=lifted + '/Unsqueeze'))
            new_positions.append(lifted)
            removed.append(unsqueeze)
        added.append(helper.make_node('Concat', new_positions, [step], name=step + '/Concat', axis=0))
        removed.append(stack)

    removed_ids = {id(node) for node in removed}
    kept = [node for node in graph.node if id(node) not in removed_ids]
    del graph.node[:]
    graph.node.extend(kept + added)
    kept_outputs = [o for o in graph.output if o.name not in {present for present, _ in OUTPUTS}]
    del graph.output[:]
    graph.output.extend(kept_outputs)
    for _, step in OUTPUTS:
        graph.output.append(helper.make_tensor_value_info(step, TensorProto.FLOAT, [layers, 'batch', heads, 1, head_dim]))
    onnx.save(model, path)


def main() -> None:
    folder = sys.argv[1]
    with edited_manifest(folder) as manifest:
        decoder = os.path.join(folder, manifest['decoder'])
        layers, heads, head_dim = manifest['layers'], manifest['heads'], manifest['headDim']
        step_outputs(decoder, layers, heads, head_dim)
        outputs = manifest['decoderOutputs']
        for present, step in OUTPUTS:
            outputs.pop(present, None)
            outputs[step] = [layers, 'batch', heads, 1, head_dim]
        manifest['decoderReturnsStep'] = True
        manifest['sizes'][manifest['decoder']] = os.path.getsize(decoder)
    print(f'{decoder}: returns this step\'s keys and values only ({layers} layers)')


if __name__ == '__main__':
    main()
