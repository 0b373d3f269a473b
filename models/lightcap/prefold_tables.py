"""Ships a caption model the way onnxruntime runs it, without growing its files.

Making the caption sessions in the browser took about 0.4 s of the first
caption's wait (Chromium, 2-core VM): ort's graph optimiser ran as cold
WebAssembly, and its constant folding expanded each int8 table that
int8_matmul.py leaves in-graph (embeddings, concept head, modulator:
Cast + Mul by a per-column scale) into fp32. This step does both offline:

  - FOLDER/encoder.onnx and decoder.onnx become the graphs onnxruntime-node
    optimised at level `extended` (models/tools/ort_optimize.ts), which the
    engine loads with `graphOptimization: "disabled"`;
  - the fp32 tables of those graphs are not stored in them: each is an
    external initializer of one in-memory file (`mount`), and the int8
    values and column scales it was folded from go to `<part>.tables.bin`.
    The engine expands them (value * scale, exactly ort's fp32 product) and
    hands the result to ort as external data (src/engine/caption/tables.ts).

So the files stay the size they were, and the tables are bit for bit what
ort's folding made (checked here for every table).

    npx tsx models/tools/ort_optimize.ts FOLDER/encoder.onnx OPT/encoder.onnx
    npx tsx models/tools/ort_optimize.ts FOLDER/decoder.onnx OPT/decoder.onnx
    /usr/bin/python3 models/lightcap/prefold_tables.py FOLDER OPT

FOLDER/*.onnx must still be int8_matmul.py's output (the tables in-graph);
the manifest gets `graphOptimization`, `tables` and the new sizes.

Layout of <part>.tables.bin, table after table, in the manifest's order:
rows * cols int8 values (row-major), zero bytes up to a multiple of 4, then
cols float32 scales (little-endian). The mounted file is the tables' fp32
values, table after table, with no padding.
"""
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

from manifest_file import edited_manifest


def int8_tables(model: onnx.ModelProto) -> dict:
    """Output name -> (int8 [rows, cols], float32 scale [cols]) for each in-graph Cast + Mul expansion."""
    init = {t.name: t for t in model.graph.initializer}
    producer = {out: n for n in model.graph.node for out in n.output}
    tables = {}
    for node in model.graph.node:
        if node.op_type != 'Mul':
            continue
        cast = producer.get(node.input[0])
        if cast is None or cast.op_type != 'Cast' or cast.input[0] not in init or node.input[1] not in init:
            continue
        values = numpy_helper.to_array(init[cast.input[0]])
        scale = numpy_helper.to_array(init[node.input[1]])
        if values.dtype != np.int8 or values.ndim != 2 or scale.size != values.shape[1]:
            continue
        tables[node.output[0]] = (values, scale.reshape(-1).astype(np.float32))
    return tables


def prefold(original_path: str, optimised_path: str, part: str, folder: str) -> dict:
    tables = int8_tables(onnx.load(original_path))
    optimised = onnx.load(optimised_path)
    mount = f'{part}.tables.fp32'
    shapes = []
    blob = bytearray()
    offset = 0
    for tensor in optimised.graph.initializer:
        if tensor.name not in tables:
            continue
        values, scale = tables[tensor.name]
        folded = numpy_helper.to_array(tensor)
        expanded = values.astype(np.float32) * scale
        if folded.dtype != np.float32 or not np.array_equal(folded.view(np.uint32), expanded.view(np.uint32)):
            raise SystemExit(f'{optimised_path}: {tensor.name} is not the int8 table times its scale')
        blob += values.tobytes() + bytes(-values.size % 4) + scale.astype('<f4').tobytes()
        length = folded.size * 4
        tensor.ClearField('raw_data')
        tensor.ClearField('float_data')
        tensor.data_location = onnx.TensorProto.EXTERNAL
        del tensor.external_data[:]
        for key, value in (('location', mount), ('offset', str(offset)), ('length', str(length))):
            entry = tensor.external_data.add()
            entry.key, entry.value = key, value
        offset += length
        shapes.append([int(values.shape[0]), int(values.shape[1])])
    if len(shapes) != len(tables):
        raise SystemExit(f'{optimised_path}: found {len(shapes)} of the {len(tables)} folded tables of {original_path}')
    onnx.save(optimised, original_path)
    if not shapes:
        return None
    bin_name = f'{part}.tables.bin'
    with open(os.path.join(folder, bin_name), 'wb') as f:
        f.write(blob)
    return {'file': bin_name, 'mount': mount, 'shapes': shapes}


def main() -> None:
    folder, optimised_folder = sys.argv[1:3]
    with edited_manifest(folder) as manifest:
        manifest['tables'] = {}
        for part in ('encoder', 'decoder'):
            name = manifest[part]
            entry = prefold(os.path.join(folder, name), os.path.join(optimised_folder, name), part, folder)
            manifest['sizes'][name] = os.path.getsize(os.path.join(folder, name))
            if entry is None:
                print(f'{folder}/{name}: no tables')
                continue
            manifest['tables'][name] = entry
            manifest['sizes'][entry['file']] = os.path.getsize(os.path.join(folder, entry['file']))
            print(f"{folder}/{name}: {len(entry['shapes'])} tables to {entry['file']}")
        manifest['graphOptimization'] = 'disabled'
        manifest['weights'] += '; the graphs are stored as onnxruntime optimised them (level extended) and their fp32 tables as int8 + column scales in <part>.tables.bin (prefold_tables.py)'


if __name__ == '__main__':
    main()
