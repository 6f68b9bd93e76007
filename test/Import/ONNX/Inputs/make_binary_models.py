#!/usr/bin/python3
"""Writes the binary ONNX models the importer's tests need and ONNX text
cannot express: external data (safe, absolute, climbing out with '..',
missing, too short, without a location), a sparse initializer, a
sequence-typed input, unknown
element types, a type-valued attribute, a model without a graph, an If
node with subgraphs.

Usage: make_binary_models.py OUTPUT_DIRECTORY
"""

import os
import sys

import onnx
from onnx import TensorProto, helper


def external(name, dims, location, offset=0, length=None):
    tensor = TensorProto()
    tensor.name = name
    tensor.data_type = TensorProto.FLOAT
    tensor.dims.extend(dims)
    tensor.data_location = TensorProto.EXTERNAL
    entries = [("location", location), ("offset", str(offset))]
    if length is not None:
        entries.append(("length", str(length)))
    for key, value in entries:
        entry = tensor.external_data.add()
        entry.key, entry.value = key, value
    return tensor


def matmul_model(weight, name="linear"):
    graph = helper.make_graph(
        [helper.make_node("MatMul", ["x", weight.name], ["y"], name="proj")],
        name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", 8])],
        [weight])
    return helper.make_model(graph,
                             opset_imports=[helper.make_opsetid("", 17)])


def save(model, directory, name):
    with open(os.path.join(directory, name), "wb") as f:
        f.write(model.SerializeToString())


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    # 4 x 8 floats = 128 bytes at offset 64 of weights.bin (present, 192 B).
    save(matmul_model(external("w", [4, 8], "weights.bin", 64, 128)), out,
         "external-ok.onnx")
    with open(os.path.join(out, "weights.bin"), "wb") as f:
        f.write(bytes(192))
    save(matmul_model(external("w", [4, 8], "gone.bin")), out,
         "external-missing.onnx")
    save(matmul_model(external("w", [4, 8], "short.bin")), out,
         "external-short.onnx")
    with open(os.path.join(out, "short.bin"), "wb") as f:
        f.write(bytes(100))
    save(matmul_model(external("w", [4, 8], "weights.bin", 0, 64)), out,
         "external-length.onnx")
    save(matmul_model(external("w", [4, 8], "/etc/passwd")), out,
         "external-absolute.onnx")
    save(matmul_model(external("w", [4, 8], "data/../../secret.bin")), out,
         "external-dotdot.onnx")
    save(matmul_model(external("w", [4, 8], "weights.bin", "x12")), out,
         "external-offset.onnx")

    nowhere = external("w", [4, 8], "unused.bin")
    del nowhere.external_data[0]
    save(matmul_model(nowhere), out, "external-nolocation.onnx")

    weight = helper.make_tensor("w", TensorProto.FLOAT, [4, 8], [0.0] * 32)
    weight.data_type = 99
    save(matmul_model(weight), out, "bad-dtype.onnx")
    model = matmul_model(
        helper.make_tensor("w", TensorProto.FLOAT, [4, 8], [0.0] * 32))
    model.graph.input[0].type.tensor_type.elem_type = 99
    save(model, out, "bad-input-dtype.onnx")

    # A sparse initializer: a weight of its dense shape.
    model = matmul_model(
        helper.make_tensor("w", TensorProto.FLOAT, [1], [0.0]))
    del model.graph.initializer[:]
    model.graph.sparse_initializer.append(helper.make_sparse_tensor(
        helper.make_tensor("w", TensorProto.FLOAT, [2], [1.0, 2.0]),
        helper.make_tensor("w_indices", TensorProto.INT64, [2], [0, 9]),
        [4, 8]))
    save(model, out, "sparse.onnx")

    # An attribute of a kind the importer does not keep (a type).
    model = matmul_model(
        helper.make_tensor("w", TensorProto.FLOAT, [4, 8], [0.0] * 32))
    model.graph.node[0].attribute.append(helper.make_attribute(
        "hint", helper.make_tensor_type_proto(TensorProto.FLOAT, [4])))
    save(model, out, "type-attribute.onnx")

    sequence = helper.make_graph(
        [helper.make_node("SequenceAt", ["s", "i"], ["y"])], "sequence",
        [helper.make_tensor_sequence_value_info("s", TensorProto.FLOAT,
                                                ["n"]),
         helper.make_tensor_value_info("i", TensorProto.INT64, [])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n"])])
    save(helper.make_model(sequence,
                           opset_imports=[helper.make_opsetid("", 17)]),
         out, "sequence-input.onnx")

    save(onnx.ModelProto(ir_version=8), out, "no-graph.onnx")

    branch = helper.make_graph(
        [helper.make_node("Identity", ["x"], ["z"])], "branch", [],
        [helper.make_tensor_value_info("z", TensorProto.FLOAT, ["n"])])
    conditional = helper.make_graph(
        [helper.make_node("If", ["c"], ["y"], name="choose",
                          then_branch=branch, else_branch=branch)],
        "conditional",
        [helper.make_tensor_value_info("c", TensorProto.BOOL, []),
         helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n"])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n"])])
    save(helper.make_model(conditional,
                           opset_imports=[helper.make_opsetid("", 17)]),
         out, "subgraph.onnx")


if __name__ == "__main__":
    main()
