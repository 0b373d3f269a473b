"""Lets the caption encoder report every concept's score, not only the top ones.

The concept head scores each of its words (400 mined from the training
captions: places, things, actions, colours) for the picture, and the model
reads the top 10 as tokens. The engine also checks the caption's place and
thing words against these scores (src/engine/caption/concept-support.ts):
a caption that puts someone "on a bench" or "at the beach" when the concept
head gave "bench" or "beach" almost nothing usually invents it. For that it
needs the score of every concept, not only the 10 best.

This step adds a second TopK over the head's sigmoid, over all concepts, and
makes it the graph's `concept_ids` / `concept_scores` outputs (best first, so
the first 10 are the tokens the model used, as before); the model's own top-10
tensors become internal. The memory outputs are unchanged. The manifest gets
the outputs' new length and `conceptTokens`, the number of concepts the model
reads as tokens.

    /usr/bin/python3 models/lightcap/all_concepts.py FOLDER

Works on any of export.py's encoders, before or after the later steps.
Running it on an encoder already changed is an error.
"""
import os
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

from manifest_file import edited_manifest


def report_all_concepts(path: str) -> tuple:
    """Rewrites the encoder at `path`; returns (concepts, tokens): how many concepts it scores, how many it reads."""
    model = onnx.load(path, load_external_data=False)
    graph = model.graph
    producers = {out: node for node in graph.node for out in node.output}
    top_k = producers.get('concept_scores')
    gather = producers.get('concept_ids')
    if top_k is None or gather is None or top_k.op_type != 'TopK' or gather.op_type != 'Gather':
        raise SystemExit(f'{path}: expected concept_scores from a TopK and concept_ids from a Gather')
    wanted = {gather.input[0], top_k.input[1]}
    # Only these two: the big tables live in the engine's mount file, which is not here.
    constants = {init.name: numpy_helper.to_array(init) for init in graph.initializer if init.name in wanted}
    for node in graph.node:
        if node.op_type == 'Constant' and node.output[0] in wanted:
            constants[node.output[0]] = numpy_helper.to_array(node.attribute[0].t)
    word_ids = constants.get(gather.input[0])
    k = constants.get(top_k.input[1])
    if word_ids is None or k is None:
        raise SystemExit(f'{path}: the concept word ids or the top-k count are not constants')
    concepts, tokens = int(word_ids.shape[0]), int(k.reshape(-1)[0])
    if tokens >= concepts:
        raise SystemExit(f'{path}: already reports all {concepts} concepts')

    internal = {'concept_scores': 'concept_scores_tokens', 'concept_ids': 'concept_ids_tokens'}
    for node in graph.node:
        node.input[:] = [internal.get(name, name) for name in node.input]
        node.output[:] = [internal.get(name, name) for name in node.output]
    graph.initializer.append(numpy_helper.from_array(np.array([concepts], dtype=np.int64), 'all_concepts_k'))
    graph.node.append(helper.make_node('TopK', [top_k.input[0], 'all_concepts_k'], ['concept_scores', 'all_concepts_index'],
                                       name='all_concepts_topk', axis=-1, largest=1, sorted=1))
    graph.node.append(helper.make_node('Gather', [gather.input[0], 'all_concepts_index'], ['concept_ids'], name='all_concepts_words', axis=0))
    for output in graph.output:
        if output.name in internal:
            output.type.tensor_type.shape.dim[1].dim_value = concepts
    for info in graph.value_info:  # the model's own top-k tensors keep their shapes under their new names
        info.name = internal.get(info.name, info.name)
    onnx.save(model, path)
    return concepts, tokens


def main() -> None:
    folder = sys.argv[1]
    with edited_manifest(folder) as manifest:
        encoder = os.path.join(folder, manifest['encoder'])
        if 'concept_scores' not in manifest['encoderOutputs']:
            raise SystemExit(f'{folder}: the model has no concept head')
        concepts, tokens = report_all_concepts(encoder)
        for name in ('concept_ids', 'concept_scores'):
            manifest['encoderOutputs'][name][1] = concepts
        manifest['conceptTokens'] = tokens
        manifest['sizes'][manifest['encoder']] = os.path.getsize(encoder)
    print(f'{encoder}: reports all {concepts} concepts ({tokens} read as tokens)')


if __name__ == '__main__':
    main()
