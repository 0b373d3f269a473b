#!/usr/bin/env python3
"""Convert a TensorFlow.js graph model (model.json + weight shards) to ONNX.

Usage (Debian's python3, which has `onnx` and `numpy`):

    /usr/bin/python3 models/tools/tfjs_to_onnx.py MODEL.json OUT.onnx \
        --output heatmap=tower_0/keypoints --output sizes=tower_0/wh [options]

What it does:
  * reads the weights manifest and every shard, dequantising float16 and
    affine uint8/uint16 weights to float32 exactly as tfjs does;
  * walks back from the requested outputs, so in-graph post-processing that is
    not needed (TopKV2, GatherV2, ...) is simply never converted;
  * folds every node whose inputs are all constants with numpy (shape
    arithmetic, SparseToDense-built reshape targets, ...);
  * maps the remaining TF ops to ONNX opset 17. Tensors keep TF semantics but
    each one remembers its physical axis order: NHWC activations are stored
    NCHW, so convolutions need no transposes, and a transpose is emitted only
    where an op needs another order (Reshape of an NCHW-stored tensor, ...);
  * turns TF SAME padding into explicit pads from statically known shapes;
  * with --input-size N, exports the graph for an N x N input instead of the
    placeholder's own size: every constant Resize target is scaled by
    N / original (the upsampling path of a feature pyramid), and everything
    else (SAME pads, pooling) follows from the shapes. N should be a multiple
    of the graph's total stride (32 for CenterNet) so that every upsampling
    keeps its own factor: otherwise a warning names the Resize that does not
    (CenterNet at 400: 13 -> 25), a target that is not whole stops the
    conversion, and so does a Concat of maps that do not line up.

Only static shapes are supported (batch 1, fixed input size), which is what
the Human models declare.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

OPSET = 17
IDENTITY4 = (0, 1, 2, 3)
NCHW_OF_NHWC = (0, 3, 1, 2)  # physical axis i holds TF axis NCHW_OF_NHWC[i]

TF_DTYPES = {
    'DT_FLOAT': np.float32,
    'DT_INT32': np.int32,
    'DT_INT64': np.int64,
    'DT_BOOL': np.bool_,
    'DT_HALF': np.float16,
}


# ---------------------------------------------------------------------------
# TFJS model loading


def load_weights(model_path: str, model_json: dict) -> Dict[str, np.ndarray]:
    """Read all shards and decode each weight to a numpy array (TF layout)."""
    base = os.path.dirname(os.path.abspath(model_path))
    weights: Dict[str, np.ndarray] = {}
    for group in model_json['weightsManifest']:
        # A group's shards are one byte stream split into files.
        blob = b''.join(open(os.path.join(base, p), 'rb').read() for p in group['paths'])
        offset = 0
        for spec in group['weights']:
            shape = [int(d) for d in spec['shape']]
            count = int(np.prod(shape)) if shape else 1
            quant = spec.get('quantization')
            dtype = spec['dtype']
            if quant:
                qtype = quant['dtype']
                if qtype == 'float16':
                    raw = np.frombuffer(blob, np.float16, count, offset)
                    offset += 2 * count
                    values = raw.astype(np.float32)
                elif qtype in ('uint8', 'uint16'):
                    np_q = np.uint8 if qtype == 'uint8' else np.uint16
                    raw = np.frombuffer(blob, np_q, count, offset)
                    offset += raw.itemsize * count
                    values = raw.astype(np.float32) * np.float32(quant['scale']) + np.float32(quant['min'])
                else:
                    raise SystemExit(f'unsupported quantisation {qtype} for {spec["name"]}')
                if dtype == 'int32':
                    values = np.round(values).astype(np.int32)
            else:
                np_dtype = {'float32': np.float32, 'int32': np.int32, 'bool': np.bool_}.get(dtype)
                if np_dtype is None:
                    raise SystemExit(f'unsupported weight dtype {dtype} for {spec["name"]}')
                itemsize = np.dtype(np_dtype).itemsize
                values = np.frombuffer(blob, np_dtype, count, offset)
                offset += itemsize * count
            weights[spec['name']] = np.array(values).reshape(shape)
        if offset != len(blob):
            raise SystemExit(f'weights manifest covers {offset} bytes but shards hold {len(blob)}')
    return weights


def attr_str(node: dict, key: str, default: Optional[str] = None) -> Optional[str]:
    value = node.get('attr', {}).get(key)
    if value is None or 's' not in value:
        return default
    return base64.b64decode(value['s']).decode()


def attr_ints(node: dict, key: str) -> List[int]:
    value = node.get('attr', {}).get(key, {})
    return [int(v) for v in value.get('list', {}).get('i', [])]


def attr_int(node: dict, key: str, default: int = 0) -> int:
    value = node.get('attr', {}).get(key)
    return int(value['i']) if value and 'i' in value else default


def attr_float(node: dict, key: str, default: float = 0.0) -> float:
    value = node.get('attr', {}).get(key)
    return float(value['f']) if value and 'f' in value else default


def attr_bool(node: dict, key: str, default: bool = False) -> bool:
    value = node.get('attr', {}).get(key)
    return bool(value['b']) if value and 'b' in value else default


def attr_strs(node: dict, key: str) -> List[str]:
    value = node.get('attr', {}).get(key, {})
    return [base64.b64decode(s).decode() for s in value.get('list', {}).get('s', [])]


def split_ref(ref: str) -> Tuple[str, int]:
    """'name:1' -> ('name', 1); 'name' -> ('name', 0)."""
    if ':' in ref:
        name, index = ref.rsplit(':', 1)
        if index.isdigit():
            return name, int(index)
    return ref, 0


def ref_key(ref: str) -> str:
    name, index = split_ref(ref)
    return name if index == 0 else f'{name}:{index}'


# ---------------------------------------------------------------------------
# Graph building


@dataclass
class Value:
    """A non-constant tensor. `shape` is in TF semantics; `perm` says how it is
    stored: physical axis i holds TF axis perm[i]."""
    onnx_name: str
    shape: Optional[Tuple[int, ...]]
    perm: Tuple[int, ...]
    dtype: np.dtype = field(default_factory=lambda: np.dtype(np.float32))


def invert(perm: Sequence[int]) -> Tuple[int, ...]:
    out = [0] * len(perm)
    for i, p in enumerate(perm):
        out[p] = i
    return tuple(out)


def permute_shape(shape: Sequence[int], perm: Sequence[int]) -> Tuple[int, ...]:
    return tuple(shape[p] for p in perm)


def same_pads(in_size: int, kernel: int, stride: int, dilation: int) -> Tuple[int, int]:
    """TF SAME: output = ceil(in/stride); the odd pixel of padding goes at the end."""
    effective = (kernel - 1) * dilation + 1
    out = -(-in_size // stride)
    total = max((out - 1) * stride + effective - in_size, 0)
    return total // 2, total - total // 2


def conv_out(in_size: int, kernel: int, stride: int, dilation: int, pad_before: int, pad_after: int) -> int:
    effective = (kernel - 1) * dilation + 1
    return (in_size + pad_before + pad_after - effective) // stride + 1


class Converter:
    def __init__(self, model_json: dict, weights: Dict[str, np.ndarray], options: argparse.Namespace):
        self.options = options
        self.nodes: Dict[str, dict] = {n['name']: n for n in model_json['modelTopology']['node']}
        self.weights = weights
        self.consts: Dict[str, np.ndarray] = {}
        self.values: Dict[str, Value] = {}
        self.onnx_nodes: List[onnx.NodeProto] = []
        self.initializers: List[onnx.TensorProto] = []
        self.inputs: List[onnx.ValueInfoProto] = []
        self.used_names: set = set()
        self.transpose_cache: Dict[Tuple[str, Tuple[int, ...]], str] = {}
        self.const_cache: Dict[Tuple[str, Tuple[int, ...], str], str] = {}

    # -- naming -----------------------------------------------------------

    def fresh(self, hint: str) -> str:
        base = hint.replace(':', '_')
        name = base
        counter = 1
        while name in self.used_names:
            counter += 1
            name = f'{base}__{counter}'
        self.used_names.add(name)
        return name

    def emit(self, op: str, inputs: List[str], hint: str, outputs: int = 1, **attrs) -> List[str]:
        names = [self.fresh(hint if outputs == 1 else f'{hint}:{i}') for i in range(outputs)]
        self.onnx_nodes.append(helper.make_node(op, inputs, names, name=self.fresh(f'node/{hint}'), **attrs))
        return names

    def initializer(self, array: np.ndarray, hint: str) -> str:
        name = self.fresh(f'const/{hint}')
        if array.dtype == np.float64:
            array = array.astype(np.float32)
        if self.options.fp16_weights and array.dtype == np.float32 and array.size >= 16 and fp16_exact(array):
            # Stored as half and widened once, when the session folds constants:
            # halves the file and is exact because the source weights were fp16.
            half = self.fresh(f'const16/{hint}')
            self.initializers.append(numpy_helper.from_array(array.astype(np.float16), half))
            self.onnx_nodes.append(helper.make_node('Cast', [half], [name], name=self.fresh(f'node/cast/{hint}'), to=TensorProto.FLOAT))
        else:
            self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    # -- tensor access ----------------------------------------------------

    def is_const(self, ref: str) -> bool:
        return ref_key(ref) in self.consts

    def const(self, ref: str) -> np.ndarray:
        key = ref_key(ref)
        if key not in self.consts:
            raise SystemExit(f'{ref} must be a constant for this conversion')
        return self.consts[key]

    def value(self, ref: str) -> Value:
        return self.values[ref_key(ref)]

    def rank(self, ref: str) -> Optional[int]:
        if self.is_const(ref):
            return self.const(ref).ndim
        shape = self.value(ref).shape
        return None if shape is None else len(shape)

    def tf_shape(self, ref: str) -> Optional[Tuple[int, ...]]:
        if self.is_const(ref):
            return tuple(self.const(ref).shape)
        return self.value(ref).shape

    def get(self, ref: str, perm: Optional[Tuple[int, ...]] = None) -> str:
        """ONNX name of `ref` stored in physical order `perm` (identity if None)."""
        key = ref_key(ref)
        if key in self.consts:
            array = self.consts[key]
            if perm is None:
                perm = tuple(range(array.ndim))
            cache_key = (key, tuple(perm), str(array.dtype))
            if cache_key not in self.const_cache:
                self.const_cache[cache_key] = self.initializer(np.transpose(array, perm) if array.ndim > 1 else array, key)
            return self.const_cache[cache_key]
        value = self.values[key]
        if perm is None:
            perm = tuple(range(len(value.perm)))
        perm = tuple(perm)
        if perm == value.perm:
            return value.onnx_name
        cache_key = (value.onnx_name, perm)
        if cache_key not in self.transpose_cache:
            # physical_new[i] = tf[perm[i]] = physical_old[inv(value.perm)[perm[i]]]
            inverse = invert(value.perm)
            relative = [inverse[p] for p in perm]
            self.transpose_cache[cache_key] = self.emit('Transpose', [value.onnx_name], f'{key}/to{"".join(map(str, perm))}', perm=relative)[0]
        return self.transpose_cache[cache_key]

    def set_value(self, ref: str, onnx_name: str, shape: Optional[Sequence[int]], perm: Sequence[int], dtype=np.float32) -> None:
        self.values[ref_key(ref)] = Value(onnx_name, None if shape is None else tuple(int(s) for s in shape), tuple(perm), np.dtype(dtype))

    # -- traversal --------------------------------------------------------

    def needed_nodes(self, outputs: List[str]) -> List[str]:
        """Ancestors of the outputs in dependency order."""
        order: List[str] = []
        state: Dict[str, int] = {}
        for root in outputs:
            stack: List[Tuple[str, bool]] = [(split_ref(root)[0], False)]
            while stack:
                name, done = stack.pop()
                if done:
                    if state.get(name) != 2:
                        state[name] = 2
                        order.append(name)
                    continue
                if state.get(name):
                    continue
                if name not in self.nodes:
                    raise SystemExit(f'unknown node {name}')
                state[name] = 1
                stack.append((name, True))
                for ref in self.nodes[name].get('input', []):
                    if ref.startswith('^'):
                        continue
                    dep = split_ref(ref)[0]
                    if not state.get(dep):
                        stack.append((dep, False))
        return order

    def convert(self, outputs: List[Tuple[str, str]]) -> onnx.ModelProto:
        for name in self.needed_nodes([ref for _, ref in outputs]):
            node = self.nodes[name]
            op = node['op']
            data_inputs = [r for r in node.get('input', []) if not r.startswith('^')]
            if op == 'Const':
                if name not in self.weights:
                    raise SystemExit(f'constant {name} has no weights entry')
                self.consts[name] = self.weights[name]
                continue
            if op == 'Placeholder':
                self.convert_input(node)
                continue
            if op in FOLDERS and all(self.is_const(r) for r in data_inputs):
                results = FOLDERS[op](self, node, [self.const(r) for r in data_inputs])
                for index, result in enumerate(results):
                    self.consts[name if index == 0 else f'{name}:{index}'] = np.asarray(result)
                continue
            handler = CONVERTERS.get(op)
            if handler is None:
                raise SystemExit(f'op {op} ({name}) is not supported; stop the graph earlier with --output')
            handler(self, node, data_inputs)

        graph_outputs = []
        for out_name, ref in outputs:
            value = self.value(ref)
            rank = len(value.perm)
            perm = NCHW_OF_NHWC if (rank == 4 and self.options.output_layout == 'nchw' and self.options.nhwc_graph) else tuple(range(rank))
            source = self.get(ref, perm)
            self.onnx_nodes.append(helper.make_node('Identity', [source], [out_name], name=self.fresh(f'node/output/{out_name}')))
            shape = None if value.shape is None else list(permute_shape(value.shape, perm))
            graph_outputs.append(helper.make_tensor_value_info(out_name, TensorProto.FLOAT, shape))
            print(f'output {out_name}: {ref} shape {shape}', file=sys.stderr)

        graph = helper.make_graph(self.onnx_nodes, 'tfjs_graph', self.inputs, graph_outputs, self.initializers)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid('', OPSET)], producer_name='lightcap tfjs_to_onnx.py')
        model.ir_version = 8
        return model

    # -- input ------------------------------------------------------------

    def convert_input(self, node: dict) -> None:
        dims = [int(d.get('size', -1)) for d in node['attr']['shape']['shape'].get('dim', [])]
        dims = [1 if d < 0 and i == 0 else d for i, d in enumerate(dims)]
        if any(d < 0 for d in dims):
            raise SystemExit(f'input {node["name"]} has a dynamic shape {dims}; only static shapes are supported')
        # --input-size: only the image placeholder (the first), whose spatial axes main() found.
        if getattr(self.options, 'spatial_axes', None) is not None and node['name'] == self.options.image_placeholder:
            for axis in self.options.spatial_axes:
                dims[axis] = self.options.input_size
        perm = tuple(range(len(dims)))
        if len(dims) == 4 and self.options.nhwc_graph and self.options.input_layout == 'nchw':
            perm = NCHW_OF_NHWC
        name = self.options.input_name or node['name']
        self.used_names.add(name)
        self.inputs.append(helper.make_tensor_value_info(name, TensorProto.FLOAT, list(permute_shape(dims, perm))))
        self.set_value(node['name'], name, dims, perm)
        print(f'input {name}: shape {list(permute_shape(dims, perm))}', file=sys.stderr)


def fp16_exact(array: np.ndarray) -> bool:
    return bool(np.array_equal(array.astype(np.float16).astype(np.float32), array))


# ---------------------------------------------------------------------------
# Constant folding (numpy)


def fold_binary(fn: Callable[[np.ndarray, np.ndarray], np.ndarray]):
    def run(_c: Converter, _n: dict, args: List[np.ndarray]):
        a, b = args
        return [fn(a, b).astype(np.result_type(a, b))]
    return run


def fold_cast(_c: Converter, node: dict, args: List[np.ndarray]):
    dst = node['attr']['DstT']['type']
    return [args[0].astype(TF_DTYPES[dst])]


def fold_sparse_to_dense(_c: Converter, _n: dict, args: List[np.ndarray]):
    indices, output_shape, values, default = args
    out = np.full(np.atleast_1d(output_shape).astype(np.int64), default, dtype=np.asarray(default).dtype)
    indices = np.asarray(indices).reshape(len(np.atleast_1d(values)) if np.ndim(values) else -1, -1) if np.size(indices) else np.zeros((0, out.ndim), np.int64)
    for i, idx in enumerate(indices):
        out[tuple(idx)] = values[i] if np.ndim(values) else values
    return [out]


def fold_strided_slice(_c: Converter, node: dict, args: List[np.ndarray]):
    return [np.asarray(args[0])[strided_slice_index(node, args[1], args[2], args[3], args[0].ndim)]]


def strided_slice_index(node: dict, begin, end, strides, rank: int):
    if attr_int(node, 'ellipsis_mask') or attr_int(node, 'new_axis_mask'):
        raise SystemExit(f'StridedSlice {node["name"]}: ellipsis/new_axis masks are not supported')
    begin_mask, end_mask, shrink = attr_int(node, 'begin_mask'), attr_int(node, 'end_mask'), attr_int(node, 'shrink_axis_mask')
    index = []
    for axis in range(rank):
        if axis >= len(begin):
            index.append(slice(None))
            continue
        if shrink >> axis & 1:
            index.append(int(begin[axis]))
            continue
        start = None if begin_mask >> axis & 1 else int(begin[axis])
        stop = None if end_mask >> axis & 1 else int(end[axis])
        index.append(slice(start, stop, int(strides[axis])))
    return tuple(index)


FOLDERS: Dict[str, Callable[[Converter, dict, List[np.ndarray]], List[np.ndarray]]] = {
    'Identity': lambda _c, _n, a: [a[0]],
    'Add': fold_binary(np.add),
    'AddV2': fold_binary(np.add),
    'Sub': fold_binary(np.subtract),
    'Mul': fold_binary(np.multiply),
    'RealDiv': fold_binary(np.divide),
    'FloorDiv': fold_binary(np.floor_divide),
    'FloorMod': fold_binary(np.mod),
    'Maximum': fold_binary(np.maximum),
    'Minimum': fold_binary(np.minimum),
    'Cast': fold_cast,
    'Reshape': lambda _c, _n, a: [np.reshape(a[0], np.asarray(a[1]).astype(np.int64))],
    'ConcatV2': lambda _c, _n, a: [np.concatenate(a[:-1], axis=int(a[-1]))],
    'Pack': lambda _c, n, a: [np.stack(a, axis=attr_int(n, 'axis'))],
    'ExpandDims': lambda _c, _n, a: [np.expand_dims(a[0], int(a[1]))],
    'Squeeze': lambda _c, n, a: [np.squeeze(a[0], axis=tuple(attr_ints(n, 'squeeze_dims')) or None)],
    'Transpose': lambda _c, _n, a: [np.transpose(a[0], a[1])],
    'SparseToDense': fold_sparse_to_dense,
    'StridedSlice': fold_strided_slice,
    'Prod': lambda _c, n, a: [np.prod(a[0], axis=tuple(np.atleast_1d(a[1])), keepdims=attr_bool(n, 'keep_dims'))],
    'Fill': lambda _c, _n, a: [np.full(a[0], a[1])],
    'Range': lambda _c, _n, a: [np.arange(a[0], a[1], a[2])],
}


# ---------------------------------------------------------------------------
# Op converters


def conv_like(c: Converter, node: dict, inputs: List[str]) -> None:
    op = node['op']
    name = node['name']
    depthwise = 'Depthwise' in op
    if attr_str(node, 'data_format', 'NHWC') != 'NHWC':
        raise SystemExit(f'{name}: only NHWC convolutions are supported')
    x_ref, w_ref = inputs[0], inputs[1]
    x_shape = c.tf_shape(x_ref)
    kernel = c.const(w_ref).astype(np.float32)  # [kh, kw, in, out] or [kh, kw, in, multiplier]
    kh, kw = kernel.shape[0], kernel.shape[1]
    strides = attr_ints(node, 'strides') or [1, 1, 1, 1]
    dilations = attr_ints(node, 'dilations') or [1, 1, 1, 1]
    padding = attr_str(node, 'padding', 'VALID')
    in_channels = x_shape[3] if x_shape else kernel.shape[2]

    if depthwise:
        channels, multiplier = kernel.shape[2], kernel.shape[3]
        weight = np.transpose(kernel, (2, 3, 0, 1)).reshape(channels * multiplier, 1, kh, kw)
        group = channels
        out_channels = channels * multiplier
    else:
        weight = np.transpose(kernel, (3, 2, 0, 1))
        group = in_channels // kernel.shape[2]
        out_channels = kernel.shape[3]
    bias = None

    fused = attr_strs(node, 'fused_ops') if op.startswith('_Fused') or op.startswith('Fused') else []
    extra = [c.const(r).astype(np.float32) for r in inputs[2:]]
    activation = None
    for fused_op in fused:
        if fused_op == 'BiasAdd':
            bias = extra.pop(0)
        elif fused_op == 'FusedBatchNorm':
            scale, offset, mean, variance = extra[:4]
            extra = extra[4:]
            factor = scale / np.sqrt(variance + attr_float(node, 'epsilon', 1e-3))
            weight = weight * factor.reshape(-1, 1, 1, 1)
            bias = offset - mean * factor
        elif fused_op in ('Relu', 'Relu6', 'Elu', 'Sigmoid', 'LeakyRelu', 'Prelu'):
            activation = fused_op
        else:
            raise SystemExit(f'{name}: fused op {fused_op} is not supported')

    pads = [0, 0, 0, 0]
    if padding == 'SAME':
        if not x_shape:
            raise SystemExit(f'{name}: SAME padding needs a static input shape')
        top, bottom = same_pads(x_shape[1], kh, strides[1], dilations[1])
        left, right = same_pads(x_shape[2], kw, strides[2], dilations[2])
        pads = [top, left, bottom, right]
    elif padding == 'EXPLICIT':
        explicit = attr_ints(node, 'explicit_paddings')
        pads = [explicit[2], explicit[4], explicit[3], explicit[5]]

    conv_inputs = [c.get(x_ref, NCHW_OF_NHWC), c.initializer(weight.astype(np.float32), f'{name}/weight')]
    if bias is not None:
        conv_inputs.append(c.initializer(bias.astype(np.float32), f'{name}/bias'))
    out = c.emit('Conv', conv_inputs, name, kernel_shape=[kh, kw], strides=[strides[1], strides[2]],
                 dilations=[dilations[1], dilations[2]], pads=pads, group=int(group))[0]
    out_shape = None
    if x_shape:
        out_shape = (x_shape[0], conv_out(x_shape[1], kh, strides[1], dilations[1], pads[0], pads[2]),
                     conv_out(x_shape[2], kw, strides[2], dilations[2], pads[1], pads[3]), out_channels)
    if activation:
        out = emit_activation(c, node, activation, out, extra)
    c.set_value(name, out, out_shape, NCHW_OF_NHWC)


def emit_activation(c: Converter, node: dict, activation: str, x: str, extra: List[np.ndarray]) -> str:
    hint = f'{node["name"]}/{activation}'
    if activation == 'Relu':
        return c.emit('Relu', [x], hint)[0]
    if activation == 'Relu6':
        return c.emit('Clip', [x, c.initializer(np.array(0, np.float32), 'zero'), c.initializer(np.array(6, np.float32), 'six')], hint)[0]
    if activation == 'Elu':
        return c.emit('Elu', [x], hint)[0]
    if activation == 'Sigmoid':
        return c.emit('Sigmoid', [x], hint)[0]
    if activation == 'LeakyRelu':
        return c.emit('LeakyRelu', [x], hint, alpha=attr_float(node, 'leakyrelu_alpha', 0.2))[0]
    if activation == 'Prelu':
        return c.emit('PRelu', [x, c.initializer(extra[0].reshape(-1, 1, 1), 'prelu')], hint)[0]
    raise SystemExit(f'activation {activation} is not supported')


def pool(c: Converter, node: dict, inputs: List[str]) -> None:
    name = node['name']
    if attr_str(node, 'data_format', 'NHWC') != 'NHWC':
        raise SystemExit(f'{name}: only NHWC pooling is supported')
    ksize = attr_ints(node, 'ksize')
    strides = attr_ints(node, 'strides')
    padding = attr_str(node, 'padding', 'VALID')
    x_shape = c.tf_shape(inputs[0])
    pads = [0, 0, 0, 0]
    if padding == 'SAME':
        top, bottom = same_pads(x_shape[1], ksize[1], strides[1], 1)
        left, right = same_pads(x_shape[2], ksize[2], strides[2], 1)
        pads = [top, left, bottom, right]
    attrs = dict(kernel_shape=[ksize[1], ksize[2]], strides=[strides[1], strides[2]], pads=pads)
    if node['op'] == 'AvgPool':
        attrs['count_include_pad'] = 0  # TF averages over the valid pixels only
    out = c.emit('MaxPool' if node['op'] == 'MaxPool' else 'AveragePool', [c.get(inputs[0], NCHW_OF_NHWC)], name, **attrs)[0]
    out_shape = (x_shape[0], conv_out(x_shape[1], ksize[1], strides[1], 1, pads[0], pads[2]),
                 conv_out(x_shape[2], ksize[2], strides[2], 1, pads[1], pads[3]), x_shape[3])
    c.set_value(name, out, out_shape, NCHW_OF_NHWC)


def broadcast_shape(a: Optional[Tuple[int, ...]], b: Optional[Tuple[int, ...]]) -> Optional[Tuple[int, ...]]:
    if a is None or b is None:
        return None
    return tuple(np.broadcast_shapes(a, b))


def binary(onnx_op: str):
    def run(c: Converter, node: dict, inputs: List[str]) -> None:
        a_ref, b_ref = inputs
        out_shape = broadcast_shape(c.tf_shape(a_ref), c.tf_shape(b_ref))
        if out_shape is None:
            raise SystemExit(f'{node["name"]}: unknown operand shapes')
        rank = len(out_shape)
        # Follow the layout of a non-constant full-rank operand, so NCHW stays NCHW.
        perm = tuple(range(rank))
        for ref in (a_ref, b_ref):
            if not c.is_const(ref) and len(c.value(ref).perm) == rank:
                perm = c.value(ref).perm
                break
        names = [operand(c, ref, rank, perm) for ref in (a_ref, b_ref)]
        if onnx_op == 'SquaredDifference':
            diff = c.emit('Sub', names, f'{node["name"]}/diff')[0]
            out = c.emit('Mul', [diff, diff], node['name'])[0]
        else:
            out = c.emit(onnx_op, names, node['name'])[0]
        c.set_value(node['name'], out, out_shape, perm)
    return run


def operand(c: Converter, ref: str, rank: int, perm: Tuple[int, ...]) -> str:
    """`ref` broadcast-ready for an op whose output is stored in order `perm`."""
    if c.is_const(ref):
        array = c.const(ref)
        if array.dtype == np.float64:
            array = array.astype(np.float32)
        if array.ndim == 0 or array.size == 1:
            return c.initializer(array.reshape(()) if array.ndim == 0 else array.reshape([1] * min(array.ndim, rank)), ref_key(ref))
        full = array.reshape((1,) * (rank - array.ndim) + array.shape)
        cache_key = (ref_key(ref), perm, 'bcast')
        if cache_key not in c.const_cache:
            c.const_cache[cache_key] = c.initializer(np.ascontiguousarray(np.transpose(full, perm)), ref_key(ref))
        return c.const_cache[cache_key]
    value = c.value(ref)
    own_rank = len(value.perm)
    if own_rank == rank:
        return c.get(ref, perm)
    if perm == tuple(range(rank)):
        return c.get(ref)  # numpy-style broadcasting already lines up trailing axes
    # Lower-rank operand of a permuted op: unsqueeze to full rank, then permute.
    expanded = c.emit('Unsqueeze', [c.get(ref), c.initializer(np.arange(rank - own_rank, dtype=np.int64), 'axes')], f'{ref_key(ref)}/rank{rank}')[0]
    return c.emit('Transpose', [expanded], f'{ref_key(ref)}/perm', perm=list(perm))[0]


def unary(onnx_op: str, **fixed_attrs):
    def run(c: Converter, node: dict, inputs: List[str]) -> None:
        value = c.value(inputs[0])
        attrs = dict(fixed_attrs)
        if onnx_op == 'LeakyRelu':
            attrs['alpha'] = attr_float(node, 'alpha', 0.2)
        out = c.emit(onnx_op, [value.onnx_name], node['name'], **attrs)[0]
        c.set_value(node['name'], out, value.shape, value.perm, value.dtype)
    return run


def relu6(c: Converter, node: dict, inputs: List[str]) -> None:
    value = c.value(inputs[0])
    out = emit_activation(c, node, 'Relu6', value.onnx_name, [])
    c.set_value(node['name'], out, value.shape, value.perm)


def rsqrt(c: Converter, node: dict, inputs: List[str]) -> None:
    value = c.value(inputs[0])
    root = c.emit('Sqrt', [value.onnx_name], f'{node["name"]}/sqrt')[0]
    out = c.emit('Reciprocal', [root], node['name'])[0]
    c.set_value(node['name'], out, value.shape, value.perm)


def identity(c: Converter, node: dict, inputs: List[str]) -> None:
    c.values[node['name']] = c.value(inputs[0])


def reduce_op(onnx_op: str):
    def run(c: Converter, node: dict, inputs: List[str]) -> None:
        value = c.value(inputs[0])
        rank = len(value.perm)
        axes = sorted(int(a) % rank for a in np.atleast_1d(c.const(inputs[1])))
        keep = attr_bool(node, 'keep_dims')
        perm = value.perm if keep else tuple(range(rank))
        physical_axes = sorted(perm.index(a) for a in axes)
        out = c.emit(onnx_op, [c.get(inputs[0], perm)], node['name'], axes=physical_axes, keepdims=int(keep))[0]
        shape = None
        if value.shape:
            shape = tuple(1 if i in axes else s for i, s in enumerate(value.shape)) if keep else tuple(s for i, s in enumerate(value.shape) if i not in axes)
        c.set_value(node['name'], out, shape, perm if keep else tuple(range(len(shape or []))))
    return run


def concat(c: Converter, node: dict, inputs: List[str]) -> None:
    parts, axis_ref = inputs[:-1], inputs[-1]
    rank = c.rank(parts[0])
    axis = int(c.const(axis_ref)) % rank
    perm = next((c.value(r).perm for r in parts if not c.is_const(r)), tuple(range(rank)))
    names = [c.get(r, perm) for r in parts]
    out = c.emit('Concat', names, node['name'], axis=perm.index(axis))[0]
    shapes = [c.tf_shape(r) for r in parts]
    shape = None
    if all(shapes):
        # An --input-size that breaks the graph's strides shows up here first:
        # an upsampled map no longer matches its skip connection.
        for other in shapes[1:]:
            if len(other) != len(shapes[0]) or any(a != b for i, (a, b) in enumerate(zip(shapes[0], other)) if i != axis):
                raise SystemExit(f'{node["name"]}: cannot concatenate shapes {[list(s) for s in shapes]} on axis {axis}')
        shape = list(shapes[0])
        shape[axis] = sum(s[axis] for s in shapes)
    c.set_value(node['name'], out, shape, perm)


def resize(c: Converter, node: dict, inputs: List[str]) -> None:
    name = node['name']
    size = [scaled_spatial(c, int(s), name) for s in c.const(inputs[1])]
    x_shape = c.tf_shape(inputs[0])
    if getattr(c.options, 'spatial_scale', None) is not None and any(not whole_ratio(out, x_shape[axis]) for out, axis in zip(size, (1, 2))):
        # e.g. CenterNet at 400: its stride-32 map is 13 wide and the 2x upsampling becomes 13 -> 25.
        print(f'warning: {name} resizes {list(x_shape[1:3])} to {size}, not a whole factor; '
              f'the graph was made for an input size that its strides divide', file=sys.stderr)
    align = attr_bool(node, 'align_corners')
    half = attr_bool(node, 'half_pixel_centers')
    bilinear = node['op'] == 'ResizeBilinear'
    if align:
        mode = 'align_corners'
    elif half:
        # TF's half-pixel nearest rounds like ONNX tf_half_pixel_for_nn.
        mode = 'half_pixel' if bilinear else 'tf_half_pixel_for_nn'
    else:
        mode = 'asymmetric'
    attrs = dict(mode='linear' if bilinear else 'nearest', coordinate_transformation_mode=mode)
    if not bilinear:
        attrs['nearest_mode'] = 'round_prefer_ceil' if align else 'floor'
    sizes = c.initializer(np.array([x_shape[0], x_shape[3], size[0], size[1]], np.int64), f'{name}/sizes')
    out = c.emit('Resize', [c.get(inputs[0], NCHW_OF_NHWC), '', '', sizes], name, **attrs)[0]
    c.set_value(name, out, (x_shape[0], size[0], size[1], x_shape[3]), NCHW_OF_NHWC)


def whole_ratio(a: int, b: int) -> bool:
    """a is b times or b divided by a whole number."""
    return max(a, b) % min(a, b) == 0


def scaled_spatial(c: Converter, size: int, node_name: str) -> int:
    """A constant spatial size of the graph at the placeholder's own input size,
    for the --input-size one (the same for height and width: --input-size is square)."""
    scale = getattr(c.options, 'spatial_scale', None)
    if scale is None:
        return size
    scaled = size * scale
    if scaled.denominator != 1:
        raise SystemExit(f'{node_name}: size {size} x {scale} is not a whole number; pick an --input-size that keeps it whole')
    return int(scaled)


def reshape(c: Converter, node: dict, inputs: List[str]) -> None:
    target = np.asarray(c.const(inputs[1])).astype(np.int64)
    x_shape = c.tf_shape(inputs[0])
    shape = None
    if x_shape is not None:
        shape = tuple(np.empty(x_shape, dtype=np.bool_).reshape(target).shape)
    out = c.emit('Reshape', [c.get(inputs[0]), c.initializer(target, f'{node["name"]}/shape')], node['name'])[0]
    c.set_value(node['name'], out, shape, tuple(range(len(target))))


def transpose(c: Converter, node: dict, inputs: List[str]) -> None:
    tf_perm = tuple(int(p) for p in c.const(inputs[1]))
    value = c.value(inputs[0])
    # Keep the bytes where they are and only relabel: out TF axis j is in TF axis
    # tf_perm[j]; physical axis i holds in TF axis value.perm[i] = out TF axis
    # inv(tf_perm)[value.perm[i]].
    inverse = invert(tf_perm)
    new_perm = tuple(inverse[p] for p in value.perm)
    shape = None if value.shape is None else permute_shape(value.shape, tf_perm)
    c.set_value(node['name'], value.onnx_name, shape, new_perm)


def pad(c: Converter, node: dict, inputs: List[str]) -> None:
    value = c.value(inputs[0])
    paddings = np.asarray(c.const(inputs[1])).astype(np.int64)
    perm = value.perm
    physical = paddings[list(perm)]
    pads = np.concatenate([physical[:, 0], physical[:, 1]]).astype(np.int64)
    args = [value.onnx_name, c.initializer(pads, f'{node["name"]}/pads')]
    mode = 'constant'
    if node['op'] == 'PadV2':
        args.append(c.initializer(np.asarray(c.const(inputs[2]), np.float32).reshape(()), f'{node["name"]}/value'))
    elif node['op'] == 'MirrorPad':
        mode = 'reflect' if attr_str(node, 'mode') == 'REFLECT' else 'edge'
        if attr_str(node, 'mode') == 'SYMMETRIC':
            raise SystemExit(f'{node["name"]}: SYMMETRIC MirrorPad is not supported')
    out = c.emit('Pad', args, node['name'], mode=mode)[0]
    shape = None if value.shape is None else tuple(s + int(p[0] + p[1]) for s, p in zip(value.shape, paddings))
    c.set_value(node['name'], out, shape, perm)


def split(c: Converter, node: dict, inputs: List[str]) -> None:
    if node['op'] == 'SplitV':
        x_ref, sizes, axis = inputs[0], np.asarray(c.const(inputs[1])).astype(np.int64), int(c.const(inputs[2]))
    else:
        axis_ref, x_ref = inputs
        axis = int(c.const(axis_ref))
        count = attr_int(node, 'num_split')
        sizes = np.full(count, c.tf_shape(x_ref)[axis] // count, np.int64)
    value = c.value(x_ref)
    axis %= len(value.perm)
    if (sizes < 0).any():
        sizes[sizes < 0] = value.shape[axis] - sizes[sizes >= 0].sum()
    outs = c.emit('Split', [value.onnx_name, c.initializer(sizes, f'{node["name"]}/sizes')], node['name'], outputs=len(sizes), axis=value.perm.index(axis))
    for index, out in enumerate(outs):
        shape = list(value.shape)
        shape[axis] = int(sizes[index])
        c.set_value(node['name'] if index == 0 else f'{node["name"]}:{index}', out, shape, value.perm)


def squeeze(c: Converter, node: dict, inputs: List[str]) -> None:
    value = c.value(inputs[0])
    rank = len(value.perm)
    axes = [a % rank for a in attr_ints(node, 'squeeze_dims')] or [i for i, s in enumerate(value.shape) if s == 1]
    out = c.emit('Squeeze', [c.get(inputs[0]), c.initializer(np.array(axes, np.int64), 'axes')], node['name'])[0]
    shape = tuple(s for i, s in enumerate(value.shape) if i not in axes)
    c.set_value(node['name'], out, shape, tuple(range(len(shape))))


def expand_dims(c: Converter, node: dict, inputs: List[str]) -> None:
    value = c.value(inputs[0])
    axis = int(c.const(inputs[1]))
    rank = len(value.perm) + 1
    axis %= rank
    out = c.emit('Unsqueeze', [c.get(inputs[0]), c.initializer(np.array([axis], np.int64), 'axes')], node['name'])[0]
    shape = list(value.shape)
    shape.insert(axis, 1)
    c.set_value(node['name'], out, shape, tuple(range(rank)))


def softmax(c: Converter, node: dict, inputs: List[str]) -> None:
    value = c.value(inputs[0])
    rank = len(value.perm)
    out = c.emit('Softmax', [value.onnx_name], node['name'], axis=value.perm.index(rank - 1))[0]
    c.set_value(node['name'], out, value.shape, value.perm)


def strided_slice(c: Converter, node: dict, inputs: List[str]) -> None:
    value = c.value(inputs[0])
    rank = len(value.perm)
    index = strided_slice_index(node, c.const(inputs[1]), c.const(inputs[2]), c.const(inputs[3]), rank)
    starts, ends, axes, steps, squeeze_axes = [], [], [], [], []
    for axis, item in enumerate(index):
        if isinstance(item, int):
            starts.append(item)
            ends.append(item + 1 if item != -1 else np.iinfo(np.int64).max)
            steps.append(1)
            axes.append(axis)
            squeeze_axes.append(axis)
        elif item != slice(None):
            step = item.step or 1
            starts.append(item.start if item.start is not None else (0 if step > 0 else np.iinfo(np.int64).max))
            ends.append(item.stop if item.stop is not None else (np.iinfo(np.int64).max if step > 0 else np.iinfo(np.int64).min))
            steps.append(step)
            axes.append(axis)
    x = c.get(inputs[0])
    out = c.emit('Slice', [x, c.initializer(np.array(starts, np.int64), 'starts'), c.initializer(np.array(ends, np.int64), 'ends'),
                            c.initializer(np.array(axes, np.int64), 'axes'), c.initializer(np.array(steps, np.int64), 'steps')],
                 f'{node["name"]}/slice' if squeeze_axes else node['name'])[0]
    shape = np.empty(value.shape, np.bool_)[index].shape
    if squeeze_axes:
        out = c.emit('Squeeze', [out, c.initializer(np.array(squeeze_axes, np.int64), 'axes')], node['name'])[0]
    c.set_value(node['name'], out, shape, tuple(range(len(shape))))


def cast(c: Converter, node: dict, inputs: List[str]) -> None:
    dst = node['attr']['DstT']['type']
    if dst != 'DT_FLOAT':
        raise SystemExit(f'{node["name"]}: only casts to float are supported')
    value = c.value(inputs[0])
    out = c.emit('Cast', [value.onnx_name], node['name'], to=TensorProto.FLOAT)[0]
    c.set_value(node['name'], out, value.shape, value.perm)


CONVERTERS: Dict[str, Callable[[Converter, dict, List[str]], None]] = {
    'Conv2D': conv_like,
    '_FusedConv2D': conv_like,
    'DepthwiseConv2dNative': conv_like,
    'FusedDepthwiseConv2dNative': conv_like,
    'MaxPool': pool,
    'AvgPool': pool,
    'Add': binary('Add'),
    'AddV2': binary('Add'),
    'BiasAdd': binary('Add'),
    'Sub': binary('Sub'),
    'Mul': binary('Mul'),
    'RealDiv': binary('Div'),
    'Div': binary('Div'),
    'Maximum': binary('Max'),
    'Minimum': binary('Min'),
    'Pow': binary('Pow'),
    'SquaredDifference': binary('SquaredDifference'),
    'Relu': unary('Relu'),
    'Relu6': relu6,
    'Elu': unary('Elu'),
    'LeakyRelu': unary('LeakyRelu'),
    'Sigmoid': unary('Sigmoid'),
    'Tanh': unary('Tanh'),
    'Exp': unary('Exp'),
    'Log': unary('Log'),
    'Sqrt': unary('Sqrt'),
    'Rsqrt': rsqrt,
    'Neg': unary('Neg'),
    'Abs': unary('Abs'),
    'Softplus': unary('Softplus'),
    'Identity': identity,
    'Cast': cast,
    'Mean': reduce_op('ReduceMean'),
    'Sum': reduce_op('ReduceSum'),
    'Max': reduce_op('ReduceMax'),
    'Min': reduce_op('ReduceMin'),
    'ConcatV2': concat,
    'ResizeBilinear': resize,
    'ResizeNearestNeighbor': resize,
    'Reshape': reshape,
    'Transpose': transpose,
    'Pad': pad,
    'PadV2': pad,
    'MirrorPad': pad,
    'SplitV': split,
    'Split': split,
    'Squeeze': squeeze,
    'ExpandDims': expand_dims,
    'Softmax': softmax,
    'StridedSlice': strided_slice,
}


# ---------------------------------------------------------------------------


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('model_json', help='TFJS graph model JSON; its weight shards are read from the same folder')
    parser.add_argument('out_onnx')
    parser.add_argument('--output', action='append', default=[], metavar='NAME=TF_NODE[:INDEX]',
                        help='graph output to expose (repeatable). Default: the model signature outputs')
    parser.add_argument('--input-name', default=None, help='name of the ONNX input (default: the TF placeholder name)')
    parser.add_argument('--input-layout', choices=['nchw', 'tf'], default='nchw',
                        help='nchw: an NHWC TF input is exposed as NCHW (default); tf: keep the TF layout')
    parser.add_argument('--output-layout', choices=['nchw', 'tf'], default='nchw',
                        help='nchw: rank-4 NHWC outputs are exposed as NCHW (default); tf: keep the TF layout')
    parser.add_argument('--fp16-weights', action='store_true',
                        help='store float weights that are exactly representable in fp16 as fp16 + Cast (halves the file)')
    parser.add_argument('--input-size', type=int, default=None, metavar='N',
                        help='export for an N x N input (default: the placeholder\'s own size); constant Resize targets are '
                             'scaled by N / original, so N must keep the graph\'s strides exact (CenterNet: a multiple of 32)')
    parser.add_argument('--doc', default='', help='doc string stored in the ONNX model')
    return parser.parse_args(argv)


def input_resize(input_size: Optional[int], dims: List[int], nhwc_graph: bool) -> Tuple[Optional[Tuple[int, int]], Optional[Fraction]]:
    """The placeholder's spatial axes and the factor its constant spatial sizes
    scale by, or (None, None) when the graph keeps its own size (then the output
    is exactly what the converter wrote before --input-size existed)."""
    if input_size is None:
        return None, None
    if input_size <= 0:
        raise SystemExit(f'--input-size must be positive, got {input_size}')
    if len(dims) != 4:
        raise SystemExit(f'--input-size needs a rank-4 image placeholder, got shape {dims}')
    axes = (1, 2) if nhwc_graph else (2, 3)
    height, width = dims[axes[0]], dims[axes[1]]
    if height != width or height <= 0:
        raise SystemExit(f'--input-size needs a square placeholder with a static size, got {height}x{width}')
    if input_size == height:
        return None, None
    return axes, Fraction(input_size, height)


def main(argv: Optional[Sequence[str]] = None) -> None:
    options = parse_args(argv)
    with open(options.model_json) as handle:
        model_json = json.load(handle)
    if model_json.get('format') != 'graph-model':
        raise SystemExit(f'{options.model_json} is not a TFJS graph model (format {model_json.get("format")})')
    weights = load_weights(options.model_json, model_json)

    outputs: List[Tuple[str, str]] = []
    for spec in options.output:
        if '=' not in spec:
            raise SystemExit(f'--output wants NAME=TF_NODE, got {spec}')
        name, ref = spec.split('=', 1)
        outputs.append((name, ref))
    if not outputs:
        signature = model_json.get('signature', {}).get('outputs')
        if not signature:
            raise SystemExit('the model has no signature outputs; name the outputs with --output NAME=TF_NODE')
        # Signature keys are user-facing names; 'name' is the graph tensor ("Identity:0").
        outputs = [(key.split(':')[0].replace('/', '_'), spec.get('name', key).split(':')[0]) for key, spec in signature.items()]

    # The layout options only make sense when the graph's activations are NHWC,
    # which every TF conv here asserts; an NCHW placeholder (converted from
    # ONNX) is kept as is because its shape already has channels at axis 1.
    placeholders = [n for n in model_json['modelTopology']['node'] if n['op'] == 'Placeholder']
    dims = [int(d.get('size', -1)) for d in placeholders[0]['attr']['shape']['shape'].get('dim', [])] if placeholders else []
    options.nhwc_graph = len(dims) == 4 and dims[3] in (1, 3, 4) and dims[1] not in (1, 3, 4)
    options.spatial_axes, options.spatial_scale = input_resize(options.input_size, dims, options.nhwc_graph)
    options.image_placeholder = placeholders[0]['name'] if placeholders else None

    converter = Converter(model_json, weights, options)
    model = converter.convert(outputs)
    model.doc_string = options.doc or f'Converted from {os.path.basename(options.model_json)} by tfjs_to_onnx.py'
    # full_check adds strict shape inference: a layer whose shapes do not line up
    # (an --input-size the graph's strides do not divide) fails here, not in the runtime.
    onnx.checker.check_model(model, full_check=True)
    onnx.save(model, options.out_onnx)
    ops: Dict[str, int] = {}
    for n in model.graph.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    print(f'wrote {options.out_onnx}: {len(model.graph.node)} nodes {ops}, {os.path.getsize(options.out_onnx)} bytes', file=sys.stderr)


if __name__ == '__main__':
    main()
