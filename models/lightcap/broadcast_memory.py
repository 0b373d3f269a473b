"""Lets the caption decoder repeat the encoder's memory for the beams itself.

Beam search runs the decoder on three hypotheses at once, and every step
needs the image's memory (keys and values of the 77 prefix tokens, for each
layer) once per hypothesis. The engine used to copy the batch-1 memory three
times in JavaScript and hand ort 1.9 MB of memory tensors at every step,
which ort then copies into WebAssembly memory. This step changes the stored
decoder graph so that it takes the memory with one batch row and expands it
to the step's batch inside the graph, after each layer's slice: ort copies
630 kB in instead, and the repeat is a memcpy in WebAssembly.

The arithmetic is unchanged (the expanded rows are the same numbers), so the
tokens are the same; the training smoke test and the golden test check that.

    /usr/bin/python3 models/lightcap/broadcast_memory.py FOLDER

FOLDER/decoder.onnx is prefold_tables.py's output: ort's optimised graph,
where each memory input is taken apart by layer (a Split and a Squeeze per
layer, or a Gather per layer) before anything else reads it. The
manifest gets `decoderBroadcastsMemory`, the memory inputs' batch of 1 and
the decoder's new size. Running it on a decoder already changed is an error.
"""
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

from manifest_file import edited_manifest

MEMORY_INPUTS = ('memory_keys', 'memory_values')


def layer_slices(path: str, name: str, consumers: dict, scalars: set) -> list:
    """The [batch, heads, prefix, head_dim] tensors the graph takes from memory input `name`, one per layer.

    ort's optimiser turns the exported per-layer Gathers into one Split plus a Squeeze
    per layer when there are several; a graph it left alone still has the Gathers
    (each with a scalar index, `scalars`, so the layer axis is dropped).
    """
    slices = []
    for node in consumers.get(name, []):
        axis = next((a.i for a in node.attribute if a.name == 'axis'), 0)
        if node.op_type == 'Gather' and axis == 0 and node.input[1] in scalars:
            slices.append(node.output[0])
        elif node.op_type == 'Split' and axis == 0:
            for layer in node.output:
                squeezes = consumers.get(layer, [])
                if len(squeezes) != 1 or squeezes[0].op_type != 'Squeeze':
                    raise SystemExit(f'{path}: expected each layer of {name} to be squeezed, found {[n.op_type for n in squeezes]}')
                slices.append(squeezes[0].output[0])
        else:
            raise SystemExit(f'{path}: expected {name} to be taken apart by layer (Gather or Split), found {node.op_type}')
    return slices


def broadcast(path: str, heads: int, prefix: int, head_dim: int) -> int:
    """Rewrites the decoder at `path`; returns how many per-layer slices now expand."""
    model = onnx.load(path, load_external_data=False)
    graph = model.graph
    for tensor in graph.input:
        if tensor.name in MEMORY_INPUTS:
            batch = tensor.type.tensor_type.shape.dim[1]
            if batch.HasField('dim_value'):
                raise SystemExit(f'{path}: {tensor.name} already has a fixed batch of {batch.dim_value}')
            batch.ClearField('dim_param')
            batch.dim_value = 1
    scalars = {t.name for t in graph.initializer if len(t.dims) == 0}
    consumers: dict = {}
    for node in graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    # The step's batch is input_ids' first dimension.
    names = {'zero': 'broadcast_memory/zero', 'one': 'broadcast_memory/one', 'tail': 'broadcast_memory/tail', 'shape': 'broadcast_memory/shape'}
    graph.initializer.extend([
        numpy_helper.from_array(np.array([0], np.int64), names['zero']),
        numpy_helper.from_array(np.array([1], np.int64), names['one']),
        numpy_helper.from_array(np.array([heads, prefix, head_dim], np.int64), names['tail']),
    ])
    added = [
        helper.make_node('Shape', ['input_ids'], ['broadcast_memory/ids_shape'], name='broadcast_memory/Shape'),
        helper.make_node('Slice', ['broadcast_memory/ids_shape', names['zero'], names['one']], ['broadcast_memory/batch'], name='broadcast_memory/Slice'),
        helper.make_node('Concat', ['broadcast_memory/batch', names['tail']], [names['shape']], name='broadcast_memory/Concat', axis=0),
    ]
    expanded = 0
    for name in MEMORY_INPUTS:
        for one_row in layer_slices(path, name, consumers, scalars):
            repeated = one_row + '/broadcast'
            for node in consumers.get(one_row, []):
                node.input[:] = [repeated if x == one_row else x for x in node.input]
            added.append(helper.make_node('Expand', [one_row, names['shape']], [repeated], name=repeated + '/Expand'))
            expanded += 1

    # ort needs the nodes in topological order: sort again, keeping the existing order wherever it already holds.
    ready = {t.name for t in graph.input} | {t.name for t in graph.initializer} | {''}
    ordered = []
    pending = list(graph.node) + added
    while pending:
        waiting = []
        for node in pending:
            if all(name in ready for name in node.input):
                ordered.append(node)
                ready.update(node.output)
            else:
                waiting.append(node)
        if len(waiting) == len(pending):
            raise SystemExit(f'{path}: the graph has a cycle or a missing input')
        pending = waiting
    del graph.node[:]
    graph.node.extend(ordered)
    onnx.save(model, path)
    return expanded


def main() -> None:
    folder = sys.argv[1]
    with edited_manifest(folder) as manifest:
        decoder = os.path.join(folder, manifest['decoder'])
        count = broadcast(decoder, manifest['heads'], manifest['prefixLength'], manifest['headDim'])
        if count != 2 * manifest['layers']:
            raise SystemExit(f'{decoder}: expanded {count} memory slices, expected {2 * manifest["layers"]}')
        for name in MEMORY_INPUTS:
            manifest['decoderInputs'][name][1] = 1
        manifest['decoderBroadcastsMemory'] = True
        manifest['sizes'][manifest['decoder']] = os.path.getsize(decoder)
    print(f'{decoder}: the memory is taken with one batch row and expanded in the graph ({count} layer slices)')


if __name__ == '__main__':
    main()
