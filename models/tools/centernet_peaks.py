"""Moves CenterNet's peak search into the graph, so a run hands back the best peaks
instead of the whole class heatmap.

    /usr/bin/python3 models/tools/centernet_peaks.py IN.onnx OUT.onnx [--candidates 128] [--chunks 8]

Why: the heatmap is float32 [1, 80, 128, 128], 5.2 MB. onnxruntime-web copies every output out of
its wasm memory into a new JavaScript array, and in the extension that fresh memory and the garbage
it leaves were a large share of each image's time (a CPU profile of the engine document on the
50-image page: ort's run glue and the garbage collector, 65 and 47 ms per image).

The search runs on eight groups of ten classes one after another (--chunks): each group's pooled map,
peak mask and scores are freed before the next group's are made, and the groups' best candidates are
merged by one more TopK (equal scores keep the lower index first, as one TopK over the whole map would).
Searched in one piece, those temporaries grew ort's wasm heap from 57.9 to 69.6 MiB (the detector alone,
onnxruntime-web in Node, three runs); in eight groups it is 58.1 MiB, at the same speed.

The graph keeps its `sizes` and `features` outputs and replaces `heatmap` with
  - `peak_scores` float32 [1, K] and `peak_indices` int64 [1, K]: the K highest cells that are the
    maximum of their 3x3 window within their class plane (heat == max_pool(heat), ties count,
    padding ignored), highest first; cells that are not peaks score -1, so they sort last and fail
    every threshold. An index is class * H * W + y * W + x.
  - `class_presence` float32 [1, 80]: each class's maximum anywhere (what the guard and the caption
    model read).
The engine's own peak search (src/engine/detect/detector.ts, findPeaks and topKPeaks) does exactly
this on a heatmap, and then keeps its topK (100) by its own tie order; K is larger than that, so the
order among equal scores at the cut is the engine's, not TopK's.
"""
import argparse

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HEATMAP = "heatmap"
PEAK_WINDOW = 3


def add_peaks(model: onnx.ModelProto, candidates: int, chunks: int) -> onnx.ModelProto:
    graph = model.graph
    outputs = {o.name: o for o in graph.output}
    if HEATMAP not in outputs:
        raise SystemExit(f'the graph has no "{HEATMAP}" output (already converted?)')
    dims = [d.dim_value for d in outputs[HEATMAP].type.tensor_type.shape.dim]
    if len(dims) != 4 or dims[0] != 1 or 0 in dims:
        raise SystemExit(f"expected a [1, classes, H, W] heatmap, got {dims}")
    _, classes, height, width = dims
    if candidates > classes * height * width:
        raise SystemExit(f"--candidates {candidates} is more than the heatmap's {classes * height * width} cells")

    if not 1 <= chunks <= classes or classes % chunks:
        raise SystemExit(f"--chunks {chunks} must divide the {classes} classes")
    per_chunk = classes // chunks
    cells = per_chunk * height * width
    chunk_k = min(candidates, cells)
    radius = PEAK_WINDOW // 2
    graph.initializer.extend(
        [
            numpy_helper.from_array(np.array([1, -1], dtype=np.int64), "peaks/flat_shape"),
            numpy_helper.from_array(np.array([chunk_k], dtype=np.int64), "peaks/chunk_k"),
            numpy_helper.from_array(np.array([candidates], dtype=np.int64), "peaks/k"),
            numpy_helper.from_array(np.array([1], dtype=np.int64), "peaks/class_axis"),
            numpy_helper.from_array(np.array(-1, dtype=np.float32), "peaks/not_a_peak"),
        ]
    )
    nodes = [helper.make_node("ReduceMax", [HEATMAP], ["class_presence"], axes=[2, 3], keepdims=0)]
    chunk_scores, chunk_indices = [], []
    for c in range(chunks):
        # One group of classes at a time: its pooled map, mask and scores are freed before the next group's
        # are made, so ort's wasm heap holds one group's temporaries next to the heatmap, not the whole map's.
        p = f"peaks/{c}"
        graph.initializer.extend(
            [
                numpy_helper.from_array(np.array([c * per_chunk], dtype=np.int64), f"{p}/start"),
                numpy_helper.from_array(np.array([(c + 1) * per_chunk], dtype=np.int64), f"{p}/end"),
                numpy_helper.from_array(np.array(c * cells, dtype=np.int64), f"{p}/offset"),
            ]
        )
        nodes += [
            helper.make_node("Slice", [HEATMAP, f"{p}/start", f"{p}/end", "peaks/class_axis"], [f"{p}/heat"]),
            helper.make_node("MaxPool", [f"{p}/heat"], [f"{p}/window_max"], kernel_shape=[PEAK_WINDOW, PEAK_WINDOW], strides=[1, 1], pads=[radius] * 4),
            helper.make_node("Equal", [f"{p}/heat", f"{p}/window_max"], [f"{p}/is_peak"]),
            helper.make_node("Where", [f"{p}/is_peak", f"{p}/heat", "peaks/not_a_peak"], [f"{p}/scores"]),
            helper.make_node("Reshape", [f"{p}/scores", "peaks/flat_shape"], [f"{p}/flat"]),
            helper.make_node("TopK", [f"{p}/flat", "peaks/chunk_k"], [f"{p}/top", f"{p}/top_cells"], axis=-1, largest=1, sorted=1),
            helper.make_node("Add", [f"{p}/top_cells", f"{p}/offset"], [f"{p}/top_indices"]),
        ]
        chunk_scores.append(f"{p}/top")
        chunk_indices.append(f"{p}/top_indices")
    # The best of the groups' bests: equal scores keep the lower index first, as one TopK over the whole map would.
    nodes += [
        helper.make_node("Concat", chunk_scores, ["peaks/all_scores"], axis=1),
        helper.make_node("Concat", chunk_indices, ["peaks/all_indices"], axis=1),
        helper.make_node("TopK", ["peaks/all_scores", "peaks/k"], ["peak_scores", "peaks/best"], axis=-1, largest=1, sorted=1),
        helper.make_node("GatherElements", ["peaks/all_indices", "peaks/best"], ["peak_indices"], axis=1),
    ]
    graph.node.extend(nodes)
    kept = [o for o in graph.output if o.name != HEATMAP]
    del graph.output[:]
    graph.output.extend(
        [
            helper.make_tensor_value_info("peak_scores", TensorProto.FLOAT, [1, candidates]),
            helper.make_tensor_value_info("peak_indices", TensorProto.INT64, [1, candidates]),
            helper.make_tensor_value_info("class_presence", TensorProto.FLOAT, [1, classes]),
            *kept,
        ]
    )
    onnx.checker.check_model(model)
    return model


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("input")
    parser.add_argument("output")
    parser.add_argument("--candidates", type=int, default=128)
    parser.add_argument("--chunks", type=int, default=8, help="groups of classes searched one after another (a divisor of the classes)")
    args = parser.parse_args()
    model = add_peaks(onnx.load(args.input), args.candidates, args.chunks)
    onnx.save(model, args.output)
    print(f"wrote {args.output}: heatmap replaced by peak_scores / peak_indices [1, {args.candidates}] and class_presence")


if __name__ == "__main__":
    main()
