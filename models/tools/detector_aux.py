"""Adds an `aux` output to the CenterNet detector: what its head sees, pooled to the caption
model's 8x8 grid, so a caption can use more of the detector's pass than the trunk's `features`.

    /usr/bin/python3 models/tools/detector_aux.py IN.onnx OUT.onnx

`aux` is float32 [1, 336, 8, 8], the concatenation of
  - the head's 128-channel map at 128x128 (the input of the class and size convolutions),
    average-pooled 16x16 (128 channels) and max-pooled 16x16 (128 channels);
  - the class heatmap (after its sigmoid), max-pooled 16x16 (80 channels): where each class is.
The existing outputs are unchanged.
"""
import sys

import onnx
from onnx import helper

HEAD_MAP = "tower_0/CenternetHead/mul"
# The sigmoid's own name in the converter's output; onnxruntime's optimiser drops the Identity after it,
# so in the shipped (pre-optimised) model the sigmoid writes the `heatmap` output directly.
HEATMAP_NAMES = ("tower_0/Sigmoid", "heatmap")
AUX_CHANNELS = 128 + 128 + 80


def add_aux(model: onnx.ModelProto) -> onnx.ModelProto:
    names = {o for n in model.graph.node for o in n.output}
    if HEAD_MAP not in names:
        raise SystemExit(f"{HEAD_MAP} is not a tensor of this graph")
    heatmap = next((name for name in HEATMAP_NAMES if name in names), None)
    if heatmap is None:
        raise SystemExit(f"none of {', '.join(HEATMAP_NAMES)} is a tensor of this graph")
    if any(o.name == "aux" for o in model.graph.output):
        raise SystemExit("the graph already has an aux output")
    pool = dict(kernel_shape=[16, 16], strides=[16, 16])
    model.graph.node.extend(
        [
            helper.make_node("AveragePool", [HEAD_MAP], ["aux/head_mean"], **pool),
            helper.make_node("MaxPool", [HEAD_MAP], ["aux/head_max"], **pool),
            helper.make_node("MaxPool", [heatmap], ["aux/class_max"], **pool),
            helper.make_node("Concat", ["aux/head_mean", "aux/head_max", "aux/class_max"], ["aux"], axis=1),
        ]
    )
    model.graph.output.append(helper.make_tensor_value_info("aux", onnx.TensorProto.FLOAT, [1, AUX_CHANNELS, 8, 8]))
    onnx.checker.check_model(model)
    return model


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    onnx.save(add_aux(onnx.load(sys.argv[1])), sys.argv[2])
