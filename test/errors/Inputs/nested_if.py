#!/usr/bin/python3
"""Prints an ONNX text model whose `If` branches nest N deep."""
import sys

depth = int(sys.argv[1])
body = "y = Identity(x)"
for i in range(depth):
    body = (f"y = If(c) <then_branch = g{i} () => (float[2] y) {{ {body} }}, "
            f"else_branch = h{i} () => (float[2] y) {{ y = Identity(x) }}>")
print('<ir_version: 8, opset_import: ["" : 17]>')
print("deep (bool c, float[2] x) => (float[2] y) {")
print("  " + body)
print("}")
