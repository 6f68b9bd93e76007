#!/usr/bin/python3
"""Turns a decoder export into a draft model fed by `inputs_embeds`: the
token-embedding Gather and its table are removed, and a float input of
shape [batch, sequence, hidden] takes the Gather's place (what speculative
decoding drafts and multimodal decoders export). Everything else, such as
rotary cos/sin caches gathered by position_ids, stays.

Usage: make_draft_model.py IN.onnx OUT.onnx TABLE_NAME
"""

import sys

import onnx
from onnx import helper, TensorProto


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    model = onnx.load(sys.argv[1], load_external_data=False)
    graph = model.graph
    table = sys.argv[3]
    gather = next(n for n in graph.node
                  if n.op_type == "Gather" and n.input[0] == table)
    ids = gather.input[1]
    hidden = next(t.dims[1] for t in graph.initializer if t.name == table)
    graph.node.remove(gather)
    for tensor in list(graph.initializer):
        if tensor.name == table:
            graph.initializer.remove(tensor)
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name == gather.output[0]:
                node.input[i] = "inputs_embeds"
            elif name == ids:
                # Shapes read from the ids read the same dims of the embeds.
                node.input[i] = "inputs_embeds"
    for input in list(graph.input):
        if input.name == ids:
            graph.input.remove(input)
    graph.input.insert(0, helper.make_tensor_value_info(
        "inputs_embeds", TensorProto.FLOAT, ["batch", "sequence", hidden]))
    onnx.save(model, sys.argv[2])


if __name__ == "__main__":
    main()
