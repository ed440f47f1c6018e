/**
 * Export to ONNX for serving: {@link dev.shortcut.runtime.onnx.Onnx#export} and its command-line
 * form {@link dev.shortcut.runtime.onnx.OnnxExport}. A small writer of the protobuf wire format
 * encodes the model, so the export needs no dependency.
 */
package dev.shortcut.runtime.onnx;
