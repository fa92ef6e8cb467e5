"""ONNX export of MXNet-format models (MXNet's ``mxnet.onnx``).

``export_model`` reads a ``-symbol.json`` graph and its ``.params`` (or in-memory
equivalents) and writes an ONNX file of opset 13 that runtimes such as onnxruntime run.
It needs the ``onnx`` package (``pip install onnx``), imported on first use.
"""

from ._export import UnsupportedOperatorError, export_model, get_operator_support

__all__ = ["export_model", "get_operator_support", "UnsupportedOperatorError"]
