"""Rewrites a caption model's int8 MatMul weights so they stay int8 at run time.

export.py stores each weight as int8 with one fp32 scale per output column and
expands it with Cast + Mul, which onnxruntime folds into an fp32 copy when it
makes the session: that costs about 0.3 s of session creation and some 50 MB
of wasm memory for the English caption model (encoder 4.4 MB on disk grows the
heap by 41 MB). Here each `MatMul(x, Mul(Cast(W_int8), scale))` becomes
com.microsoft `DynamicQuantizeMatMul(x, W_int8, scale)`: the weight stays int8
and the activation is quantised to uint8 per call. Weights that a Gather or
Gemm also reads (the embeddings, the concept head) keep the fp32 expansion.

    /usr/bin/python3 models/lightcap/int8_matmul.py models/lightcap

rewrites the folder's encoder.onnx and decoder.onnx in place (a model already
rewritten is left as it is) and records the weight format and the new sizes
in its manifest.json. It runs after export.py and its parity check, which
compare the exported graph with PyTorch token for token; this step is not
exact (activations are quantised), so its effect is measured with
`npm run eval`: on captions-dev, caption alone 0.444 -> 0.443 CIDEr-D,
default description 0.367 -> 0.373 (neutral), the same share of wrong objects.
"""
import collections
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

from manifest_file import edited_manifest


def rewrite(model: onnx.ModelProto) -> int:
    graph = model.graph
    initializers = {init.name: init for init in graph.initializer}
    producer = {out: node for node in graph.node for out in node.output}
    consumers = collections.defaultdict(list)
    for node in graph.node:
        for name in node.input:
            consumers[name].append(node)

    replaced = 0
    new_nodes = []
    dropped = set()
    for node in graph.node:
        if node.op_type != 'MatMul':
            new_nodes.append(node)
            continue
        mul = producer.get(node.input[1])
        cast = mul and next((producer.get(i) for i in mul.input if producer.get(i) is not None and producer[i].op_type == 'Cast'), None)
        scale_name = mul and next((i for i in mul.input if i in initializers), None)
        if mul is None or mul.op_type != 'Mul' or cast is None or scale_name is None or cast.input[0] not in initializers:
            new_nodes.append(node)
            continue
        weight = initializers[cast.input[0]]
        scale = numpy_helper.to_array(initializers[scale_name])
        # One scale per output column: [N] or [1, N], never a per-row [K, 1] (square weights would not tell).
        per_column = scale.ndim <= 2 and scale.shape[-1] == weight.dims[1] and scale.size == weight.dims[1]
        if weight.data_type != onnx.TensorProto.INT8 or len(weight.dims) != 2 or not per_column:
            new_nodes.append(node)
            continue
        # A weight whose fp32 expansion another node reads anyway (the decoder's output projection shares the
        # embedding table with a Gather) gains no memory, and quantising its input each step only costs time.
        if any(c.op_type != 'MatMul' for c in consumers[mul.output[0]]):
            new_nodes.append(node)
            continue
        column_scale = numpy_helper.from_array(scale.reshape(-1).astype(np.float32), f'{scale_name}_columns')
        if column_scale.name not in initializers:
            graph.initializer.append(column_scale)
            initializers[column_scale.name] = column_scale
        new_nodes.append(helper.make_node(
            'DynamicQuantizeMatMul', [node.input[0], weight.name, column_scale.name], list(node.output),
            name=f'{node.name or node.output[0]}_int8', domain='com.microsoft'))
        replaced += 1
        dropped.update([id(mul), id(cast)])
    # A Cast/Mul pair still read by a MatMul left as it was stays.
    still_read = {name for n in new_nodes if id(n) not in dropped for name in n.input}
    kept = [n for n in new_nodes if id(n) not in dropped or any(o in still_read for o in n.output)]
    del graph.node[:]
    graph.node.extend(kept)
    used = {name for n in graph.node for name in n.input}
    unused = [init for init in graph.initializer if init.name not in used]
    for init in unused:
        graph.initializer.remove(init)
    if not any(o.domain == 'com.microsoft' for o in model.opset_import):
        model.opset_import.append(helper.make_opsetid('com.microsoft', 1))
    return replaced


WEIGHTS = "int8 per-column: MatMul weights stay int8 (com.microsoft DynamicQuantizeMatMul), the others are expanded in-graph (Cast+Mul)"


def main() -> None:
    folder = sys.argv[1]
    with edited_manifest(folder) as manifest:
        for part in ("encoder", "decoder"):
            path = os.path.join(folder, manifest[part])
            model = onnx.load(path)
            count = rewrite(model)
            onnx.checker.check_model(model)
            onnx.save(model, path)
            print(f"{path}: {count} MatMul weights kept int8")
            manifest["sizes"][manifest[part]] = os.path.getsize(path)
        manifest["weights"] = WEIGHTS


if __name__ == "__main__":
    main()
