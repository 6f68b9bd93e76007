#!/usr/bin/python3
"""Inserts a node that changes nothing (Identity, a Cast to the value's own
type, an inference-mode Dropout) after a value of an ONNX model, so that
every consumer of the value reads the new node's output instead: what
exporters do on the residual stream.

Usage: insert_noop.py IN.onnx OUT.onnx VALUE OP [VALUE OP ...]
       (OP: Identity, CastFloat, CastFloat16, Dropout)
"""

import sys

import onnx
from onnx import helper, TensorProto


def insert(graph, value, op, index):
    out = f"{value}/inserted_{op}_{index}"
    for node in graph.node:
        for i, name in enumerate(node.input):
            if name == value:
                node.input[i] = out
    for output in graph.output:
        if output.name == value:
            sys.exit(f"insert_noop: {value} is a graph output")
    if op == "Identity":
        new = helper.make_node("Identity", [value], [out])
    elif op.startswith("Cast"):
        to = TensorProto.FLOAT if op == "CastFloat" else TensorProto.FLOAT16
        new = helper.make_node("Cast", [value], [out], to=to)
    elif op == "Dropout":
        new = helper.make_node("Dropout", [value], [out])
    else:
        sys.exit(f"insert_noop: unknown op {op}")
    new.name = f"inserted_{op}_{index}"
    # Keep the graph topologically sorted: right after the producer.
    position = len(graph.node)
    for i, node in enumerate(graph.node):
        if value in node.output:
            position = i + 1
    graph.node.insert(position, new)


def main():
    if len(sys.argv) < 5 or len(sys.argv) % 2 == 0:
        sys.exit(__doc__)
    model = onnx.load(sys.argv[1], load_external_data=False)
    pairs = sys.argv[3:]
    for index in range(0, len(pairs), 2):
        insert(model.graph, pairs[index], pairs[index + 1], index // 2)
    onnx.save(model, sys.argv[2])


if __name__ == "__main__":
    main()
