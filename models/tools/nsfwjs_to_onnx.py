#!/usr/bin/env python3
"""Convert an nsfwjs 4.x Keras *layers* model to ONNX with the repo's own tfjs_to_onnx.py.

tfjs_to_onnx.py reads TFJS *graph* models (`modelTopology.node`). nsfwjs ships
MobileNetV2 and InceptionV3 as Keras layers models, bundled as JS modules with
base64 weight shards. This adapter

  1. extracts model.json and the binary shards from the installed package
     (node_modules/nsfwjs/dist/models/<model>/*.min.js, read with `node`);
  2. rewrites the Keras layer list into the TF op nodes tfjs_to_onnx.py reads:
     Conv2D/DepthwiseConv2D + BatchNormalization -> _FusedConv2D /
     FusedDepthwiseConv2dNative with fused_ops [FusedBatchNorm] (the converter
     folds the BN itself), ReLU(max 6) -> Relu6, ZeroPadding2D -> Pad,
     Add -> AddV2, Concatenate -> ConcatV2, pools -> AvgPool/MaxPool,
     Flatten -> Reshape, Dense -> Reshape + 1x1 Conv2D + BiasAdd + Reshape
     (the converter has no MatMul), Dropout -> Identity;
     the original shards and quantised weight specs are kept as they are, and
     the few derived constants (shapes, axes, ones for scale=False BN) go into
     one extra float32/int32 shard;
  3. runs tfjs_to_onnx.py on that graph model.

    /usr/bin/python3 models/tools/nsfwjs_to_onnx.py mobilenet_v2 /tmp/trunk-compare/nsfwjs_mobilenet_v2.onnx \
        --output features=out_relu --output probs=dense_3
    /usr/bin/python3 models/tools/nsfwjs_to_onnx.py inception_v3 /tmp/trunk-compare/nsfwjs_inception_v3.onnx \
        --output features=mixed10 --output probs=dense_3

The ONNX input is `image` float32 NCHW [1,3,S,S], RGB in 0..1 (nsfwjs divides
by 255 before the model; S = 224 for MobileNetV2, 299 for InceptionV3).
Outputs are named by --output NAME=KERAS_LAYER; rank-4 outputs are NCHW.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
from typing import Dict, List

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.normpath(os.path.join(HERE, '..', '..'))

EXTRACT_JS = r"""
const dir = process.argv[1];
const fs = require('fs');
const path = require('path');
const model = require(path.join(dir, 'model.min.js'));
const shards = {};
for (const f of fs.readdirSync(dir)) {
  const m = /^(group\d+-shard\d+of\d+)\.min\.js$/.exec(f);
  if (m) shards[m[1]] = require(path.join(dir, f));
}
process.stdout.write(JSON.stringify({ model, shards }));
"""


def extract(model_name: str, work: str) -> dict:
    src = os.path.join(REPO, 'node_modules', 'nsfwjs', 'dist', 'models', model_name)
    if not os.path.isdir(src):
        raise SystemExit(f'{src} not found: npm install -D --save-exact nsfwjs@4.4.0')
    raw = subprocess.run(['node', '-e', EXTRACT_JS, src], check=True, capture_output=True).stdout
    bundle = json.loads(raw)
    model = bundle['model']
    model = model.get('default', model)
    os.makedirs(work, exist_ok=True)
    for name, b64 in bundle['shards'].items():
        b64 = b64.get('default', b64) if isinstance(b64, dict) else b64
        with open(os.path.join(work, name), 'wb') as f:
            f.write(base64.b64decode(b64))
    with open(os.path.join(work, 'model.json'), 'w') as f:
        json.dump(model, f)
    return model


def b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class GraphBuilder:
    def __init__(self, weight_names: set):
        self.nodes: List[dict] = []
        self.extra: Dict[str, np.ndarray] = {}
        self.weight_names = weight_names
        self.const_nodes: set = set()

    def node(self, name: str, op: str, inputs: List[str], **attr) -> str:
        self.nodes.append({'name': name, 'op': op, 'input': inputs, 'attr': attr})
        return name

    def weight(self, name: str) -> str:
        if name not in self.weight_names:
            raise SystemExit(f'weight {name} missing from the manifest')
        if name not in self.const_nodes:
            self.const_nodes.add(name)
            self.node(name, 'Const', [])
        return name

    def const(self, name: str, array: np.ndarray) -> str:
        self.extra[name] = array
        return self.node(name, 'Const', [])


def ints(values) -> dict:
    return {'list': {'i': [str(int(v)) for v in values]}}


def rewrite(model: dict) -> dict:
    topo = model['modelTopology']
    config = topo.get('model_config', topo)['config']
    layers = config['layers']
    weight_names = {w['name'] for g in model['weightsManifest'] for w in g['weights']}
    g = GraphBuilder(weight_names)
    consumers: Dict[str, List[str]] = {}
    by_name = {l['name']: l for l in layers}
    for layer in layers:
        for inbound in layer['inbound_nodes']:
            for ref in inbound:
                consumers.setdefault(ref[0], []).append(layer['name'])
    fused_bn: Dict[str, str] = {}  # BN layer name -> conv layer it was folded into

    def inputs_of(layer) -> List[str]:
        if len(layer['inbound_nodes']) > 1:
            raise SystemExit(f'{layer["name"]}: shared layers are not supported')
        refs = layer['inbound_nodes'][0] if layer['inbound_nodes'] else []
        for ref in refs:
            if ref[1] != 0 or ref[2] != 0:
                raise SystemExit(f'{layer["name"]}: only single-call layers with one output are supported')
        return [ref[0] for ref in refs]

    def activation(name: str, x: str, act: str) -> str:
        if act == 'linear':
            return g.node(name, 'Identity', [x])
        op = {'relu': 'Relu', 'softmax': 'Softmax', 'sigmoid': 'Sigmoid', 'tanh': 'Tanh', 'elu': 'Elu'}.get(act)
        if op is None:
            raise SystemExit(f'activation {act} is not supported')
        return g.node(name, op, [x])

    def bn_params(bn) -> List[str]:
        cfg = bn['config']
        if cfg.get('axis', -1) not in (-1, 3):
            raise SystemExit(f'{bn["name"]}: only channel-last BatchNormalization')
        n = bn['name']
        channels = len_of(f'{n}/moving_mean')
        scale = g.weight(f'{n}/gamma') if cfg.get('scale', True) else g.const(f'{n}/ones', np.ones(channels, np.float32))
        offset = g.weight(f'{n}/beta') if cfg.get('center', True) else g.const(f'{n}/zeros', np.zeros(channels, np.float32))
        return [scale, offset, g.weight(f'{n}/moving_mean'), g.weight(f'{n}/moving_variance')]

    shapes = {w['name']: [int(d) for d in w['shape']] for grp in model['weightsManifest'] for w in grp['weights']}

    def len_of(weight: str) -> int:
        return int(np.prod(shapes[weight]))

    def pool_attrs(cfg) -> dict:
        k, s = cfg['pool_size'], cfg['strides'] or cfg['pool_size']
        return dict(ksize=ints([1, k[0], k[1], 1]), strides=ints([1, s[0], s[1], 1]),
                    padding={'s': b64(cfg['padding'].upper())}, data_format={'s': b64('NHWC')})

    for layer in layers:
        cls, name, cfg = layer['class_name'], layer['name'], layer['config']
        ins = inputs_of(layer)
        if cfg.get('data_format', 'channels_last') != 'channels_last':
            raise SystemExit(f'{name}: only channels_last')
        if cls == 'InputLayer':
            dims = [{'size': str(-1 if d is None else d)} for d in cfg['batch_input_shape']]
            g.node(name, 'Placeholder', [], dtype={'type': 'DT_FLOAT'}, shape={'shape': {'dim': dims}})
        elif cls in ('Conv2D', 'DepthwiseConv2D'):
            depthwise = cls == 'DepthwiseConv2D'
            kernel = g.weight(f'{name}/depthwise_kernel' if depthwise else f'{name}/kernel')
            attrs = dict(strides=ints([1, *cfg['strides'], 1]), dilations=ints([1, *cfg['dilation_rate'], 1]),
                         padding={'s': b64(cfg['padding'].upper())}, data_format={'s': b64('NHWC')})
            after = consumers.get(name, [])
            bn = by_name[after[0]] if len(after) == 1 else None
            if bn is not None and bn['class_name'] == 'BatchNormalization' and cfg.get('activation', 'linear') == 'linear':
                params = bn_params(bn)
                if cfg.get('use_bias'):
                    # BN(conv + b) = BN with mean - b; the converter's fused BN sets the bias itself.
                    mean = f'{bn["name"]}/moving_mean_minus_bias'
                    g.node(mean, 'Sub', [params[2], g.weight(f'{name}/bias')])
                    params[2] = mean
                op = 'FusedDepthwiseConv2dNative' if depthwise else '_FusedConv2D'
                g.node(name, op, [ins[0], kernel, *params], fused_ops={'list': {'s': [b64('FusedBatchNorm')]}},
                       epsilon={'f': float(bn['config']['epsilon'])}, **attrs)
                fused_bn[bn['name']] = name
            else:
                x = g.node(f'{name}/conv' if (cfg.get('use_bias') or cfg.get('activation', 'linear') != 'linear') else name,
                           'DepthwiseConv2dNative' if depthwise else 'Conv2D', [ins[0], kernel], **attrs)
                if cfg.get('use_bias'):
                    x = g.node(f'{name}/bias_add' if cfg.get('activation', 'linear') != 'linear' else name, 'BiasAdd', [x, g.weight(f'{name}/bias')])
                if cfg.get('activation', 'linear') != 'linear':
                    activation(name, x, cfg['activation'])
        elif cls == 'BatchNormalization':
            if name in fused_bn:
                g.node(name, 'Identity', [fused_bn[name]])
            else:
                raise SystemExit(f'{name}: BatchNormalization that does not follow a linear conv is not implemented '
                                 '(the nsfwjs models have none)')
        elif cls == 'ReLU':
            if cfg.get('negative_slope', 0) != 0 or cfg.get('threshold', 0) != 0:
                raise SystemExit(f'{name}: leaky/thresholded ReLU is not supported')
            max_value = cfg.get('max_value')
            if max_value is None:
                g.node(name, 'Relu', ins)
            elif float(max_value) == 6.0:
                g.node(name, 'Relu6', ins)
            else:
                raise SystemExit(f'{name}: ReLU max_value {max_value} is not supported')
        elif cls == 'Activation':
            activation(name, ins[0], cfg['activation'])
        elif cls == 'ZeroPadding2D':
            (t, b), (l, r) = cfg['padding']
            pads = g.const(f'{name}/paddings', np.array([[0, 0], [t, b], [l, r], [0, 0]], np.int32))
            g.node(name, 'Pad', [ins[0], pads])
        elif cls == 'Add':
            x = ins[0]
            for i, other in enumerate(ins[1:]):
                x = g.node(name if i == len(ins) - 2 else f'{name}/{i}', 'AddV2', [x, other])
        elif cls == 'Concatenate':
            axis = cfg.get('axis', -1)
            g.node(name, 'ConcatV2', [*ins, g.const(f'{name}/axis', np.array(3 if axis == -1 else axis, np.int32))])
        elif cls in ('AveragePooling2D', 'MaxPooling2D'):
            g.node(name, 'AvgPool' if cls == 'AveragePooling2D' else 'MaxPool', ins, **pool_attrs(cfg))
        elif cls == 'GlobalAveragePooling2D':
            g.node(name, 'Mean', [ins[0], g.const(f'{name}/axes', np.array([1, 2], np.int32))], keep_dims={'b': False})
        elif cls == 'Flatten':
            g.node(name, 'Reshape', [ins[0], g.const(f'{name}/shape', np.array([1, -1], np.int32))])
        elif cls == 'Dense':
            kname = f'{name}/kernel'
            fan_in, units = shapes[kname]
            x = g.node(f'{name}/as_image', 'Reshape', [ins[0], g.const(f'{name}/image_shape', np.array([1, 1, 1, fan_in], np.int32))])
            k4 = g.node(f'{name}/kernel_1x1', 'Reshape', [g.weight(kname), g.const(f'{name}/kernel_shape', np.array([1, 1, fan_in, units], np.int32))])
            x = g.node(f'{name}/matmul', 'Conv2D', [x, k4], strides=ints([1, 1, 1, 1]), dilations=ints([1, 1, 1, 1]),
                       padding={'s': b64('VALID')}, data_format={'s': b64('NHWC')})
            if cfg.get('use_bias', True):
                x = g.node(f'{name}/bias_add', 'BiasAdd', [x, g.weight(f'{name}/bias')])
            x = g.node(f'{name}/flat', 'Reshape', [x, g.const(f'{name}/flat_shape', np.array([1, units], np.int32))])
            activation(name, x, cfg.get('activation', 'linear'))
        elif cls == 'Dropout':
            g.node(name, 'Identity', ins)
        else:
            raise SystemExit(f'layer {cls} ({name}) is not supported')

    names = [n['name'] for n in g.nodes]
    if len(names) != len(set(names)):
        raise SystemExit('duplicate node names in the rewritten graph')
    return {'nodes': g.nodes, 'extra': g.extra}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument('model', choices=['mobilenet_v2', 'inception_v3'], help='folder under node_modules/nsfwjs/dist/models')
    p.add_argument('out_onnx')
    p.add_argument('--output', action='append', default=[], metavar='NAME=KERAS_LAYER')
    p.add_argument('--work', default='', help='where to write the extracted and rewritten TFJS files (default: next to OUT)')
    p.add_argument('--fp16-weights', action='store_true', help='passed to tfjs_to_onnx.py (no effect on uint8-quantised weights)')
    args = p.parse_args()
    work = args.work or os.path.join(os.path.dirname(os.path.abspath(args.out_onnx)), f'nsfwjs-{args.model}')
    model = extract(args.model, work)
    graph = rewrite(model)

    # Extra shard for the derived constants.
    blob, specs = b'', []
    for name, array in graph['extra'].items():
        dtype = 'int32' if array.dtype.kind in 'iu' else 'float32'
        array = np.ascontiguousarray(array.astype(np.int32 if dtype == 'int32' else np.float32))
        specs.append({'name': name, 'shape': list(array.shape), 'dtype': dtype})
        blob += array.tobytes()
    with open(os.path.join(work, 'extra.bin'), 'wb') as f:
        f.write(blob)
    manifest = list(model['weightsManifest']) + [{'paths': ['extra.bin'], 'weights': specs}]
    graph_json = {'format': 'graph-model', 'generatedBy': 'nsfwjs_to_onnx.py (from a Keras layers model)',
                  'modelTopology': {'node': graph['nodes']}, 'weightsManifest': manifest}
    graph_path = os.path.join(work, 'graph-model.json')
    with open(graph_path, 'w') as f:
        json.dump(graph_json, f)
    print(f'{args.model}: {len(graph["nodes"])} TF nodes, {len(specs)} derived constants -> {graph_path}', file=sys.stderr)

    input_name = 'image'
    cmd = [sys.executable, os.path.join(HERE, 'tfjs_to_onnx.py'), graph_path, args.out_onnx, '--input-name', input_name,
           '--doc', f'nsfwjs 4.4.0 {args.model} (Keras layers model) via nsfwjs_to_onnx.py + tfjs_to_onnx.py; input RGB 0..1 NCHW']
    if args.fp16_weights:
        cmd.append('--fp16-weights')
    for spec in args.output:
        cmd += ['--output', spec]
    print(' '.join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)


if __name__ == '__main__':
    main()
