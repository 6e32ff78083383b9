"""Multiply-accumulates (MACs) of one example through a built Keras model, layer by layer.

Keras has no FLOPs count, and TensorFlow's profiler needs a TensorFlow graph (not JAX or torch)
and counts every op of it, initialisers and bias adds included; this is the count people quote
(timm's GMACs, torchvision's GFLOPS halved), from the model's own layers on any backend.

What is counted, per example at inference:
- Dense, Conv1D/2D/3D, DepthwiseConv, SeparableConv, Conv2DTranspose: one MAC per weight per
  output position (biases not counted).
- SimpleRNN / GRU / LSTM: the input and recurrent matrix products at every time step, plus the
  gates' elementwise products (LSTM: 3 per unit, GRU: 3 per unit); Bidirectional: both
  directions.
- BatchNormalization: one multiply-add per element (its scale and shift folded).
- Pooling: one operation per window element per output (an add or a compare); global pooling:
  one per input element. Add / Average: one per element per extra input.
- Embedding, activations, dropout, reshapes: none (lookups and elementwise maps are not MACs).

    zoo.models.flops.count(zoo.build("lenet"))      # an int
    zoo.models.flops.by_layer(model)                # [(layer name, class, MACs), ...]
"""
from __future__ import annotations

import math

from zoo.errors import InvalidArgumentError


def count(model) -> int:
    """Total MACs of one example."""
    return sum(macs for _, _, macs in by_layer(model))


def by_layer(model) -> list:
    """(layer name, layer class, MACs) for every layer, nested models walked into."""
    out = []
    for layer in model.layers:
        if hasattr(layer, "layers") and hasattr(layer, "inputs"):  # a nested functional model
            out += [(f"{layer.name}/{name}", kind, macs) for name, kind, macs in by_layer(layer)]
            continue
        out.append((layer.name, type(layer).__name__, layer_macs(layer)))
    return out


def layer_macs(layer) -> int:
    kind = type(layer).__name__
    if kind == "Bidirectional":
        return layer_macs_of(layer.forward_layer, _shape(layer.input), _shape(layer.output)) + \
            layer_macs_of(layer.backward_layer, _shape(layer.input), _shape(layer.output))
    return layer_macs_of(layer, _shape(layer.input), _shape(layer.output))


def layer_macs_of(layer, inputs, output) -> int:
    kind = type(layer).__name__
    out = _size(output) if output is not None else 0
    if kind == "Dense" or kind == "EinsumDense":
        return out * int(layer.kernel.shape[0]) if kind == "Dense" else \
            out * math.prod(layer.kernel.shape) // max(1, int(layer.kernel.shape[-1]))
    if kind in ("Conv1D", "Conv2D", "Conv3D", "PatchWhitening"):
        per_output = math.prod(layer.kernel.shape[:-1])  # window x input channels / groups
        return out * per_output
    if kind in ("DepthwiseConv1D", "DepthwiseConv2D"):
        return out * math.prod(layer.kernel_size)
    if kind in ("SeparableConv1D", "SeparableConv2D"):
        channels_in = int(_first(inputs)[-1])
        spatial = out // int(output[-1])
        depthwise = spatial * channels_in * layer.depth_multiplier * math.prod(layer.kernel_size)
        return depthwise + out * channels_in * layer.depth_multiplier
    if kind in ("Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose"):
        return _size(inputs) * math.prod(layer.kernel.shape[:-2]) * int(layer.kernel.shape[-2])
    if kind in ("SimpleRNN", "GRU", "LSTM"):
        return _recurrent(layer, _first(inputs))  # (a mask may come as a second input)
    if kind == "BatchNormalization":
        return out
    if kind.startswith(("MaxPooling", "AveragePooling")):
        return out * math.prod(layer.pool_size)
    if kind.startswith(("GlobalAveragePooling", "GlobalMaxPooling")):
        return _size(inputs)
    if kind in ("Add", "Average", "Subtract", "Multiply", "Maximum", "Minimum"):
        return out * (len(layer.input) - 1)
    return 0


def _recurrent(layer, inputs) -> int:
    if inputs[0] is None:
        raise InvalidArgumentError(
            f"{layer.name}: the MACs of a recurrent layer depend on the sequence length, and "
            "this model's input has none (shape {inputs}): build it with a fixed length.")
    steps, features, units = int(inputs[0]), int(inputs[-1]), int(layer.units)
    gates = {"SimpleRNN": 1, "GRU": 3, "LSTM": 4}[type(layer).__name__]
    elementwise = {"SimpleRNN": 0, "GRU": 3, "LSTM": 3}[type(layer).__name__] * units
    return steps * (gates * units * (features + units) + elementwise)


def _shape(tensor):
    """A layer's input or output shape(s) without the batch axis; a list for several."""
    if isinstance(tensor, (list, tuple)):
        return [_shape(t) for t in tensor][0] if len(tensor) == 1 else \
            [_shape(t) for t in tensor]
    return tuple(tensor.shape[1:])


def _first(shape):
    return shape[0] if isinstance(shape, list) else shape


def _size(shape) -> int:
    shape = _first(shape)
    if any(d is None for d in shape):
        raise InvalidArgumentError(
            f"Cannot count the MACs of a tensor of shape {shape}: every axis but the batch must "
            "be fixed; build the model with a fixed input shape.")
    return math.prod(int(d) for d in shape)
