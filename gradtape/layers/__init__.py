"""``gt.layers``: Keras-style layers, each a :class:`gradtape.Module` built on its first call.

>>> import gradtape as gt
>>> model = gt.layers.Sequential([
...     gt.layers.Dense(16, activation="relu"),
...     gt.layers.Dropout(0.1, seed=0),
...     gt.layers.Dense(3, activation="softmax"),
... ])
>>> model(gt.ones((4, 8)), training=True).shape
(4, 3)
"""

from . import activations  # noqa: F401
from .activation_layers import ELU, LeakyReLU, PReLU, ReLU, Softmax
from .attention import MultiHeadAttention
from .base import InputSpecError, Layer
from .conv import (
    AveragePooling2D, AvgPool2D, Conv1D, Conv2D, GlobalAveragePooling2D, GlobalAvgPool2D,
    GlobalMaxPool2D, GlobalMaxPooling2D, MaxPool2D, MaxPooling2D,
)
from .conv_more import (
    Conv1DTranspose, Conv2DTranspose, Conv3D, Conv3DTranspose, Convolution1DTranspose, Convolution2DTranspose,
    Convolution3D, Convolution3DTranspose, DepthwiseConv1D, DepthwiseConv2D, SeparableConv1D, SeparableConv2D,
    SeparableConvolution1D, SeparableConvolution2D,
)
from .core import Activation, Dense, Dropout, Flatten, Reshape
from .embedding import Embedding
from .masking import Masking
from .merge import (
    Add, Average, Concatenate, Dot, Maximum, Minimum, Multiply, Subtract, add, average, concatenate, dot,
    maximum, minimum, multiply, subtract,
)
from .noise import (
    AlphaDropout, GaussianDropout, GaussianNoise, SpatialDropout1D, SpatialDropout2D, SpatialDropout3D,
)
from .normalization import BatchNormalization, LayerNormalization
from .normalization_more import GroupNormalization, UnitNormalization
from .pooling_more import (
    AveragePooling1D, AveragePooling3D, AvgPool1D, AvgPool3D, GlobalAveragePooling1D, GlobalAveragePooling3D,
    GlobalAvgPool1D, GlobalAvgPool3D, GlobalMaxPool1D, GlobalMaxPool3D, GlobalMaxPooling1D, GlobalMaxPooling3D,
    MaxPool1D, MaxPool3D, MaxPooling1D, MaxPooling3D,
)
from .preprocessing import Normalization, Rescaling
from .preprocessing_affine import RandomRotation, RandomTranslation, RandomZoom
from .preprocessing_categorical import CategoryEncoding, Discretization, HashedCrossing, Hashing
from .preprocessing_image import CenterCrop, RandomBrightness, RandomContrast, RandomCrop, RandomFlip, Resizing
from .preprocessing_lookup import IntegerLookup, StringLookup
from .preprocessing_text import TextVectorization
from .recurrent import GRU, LSTM, SimpleRNN
from .reshaping import (
    Cropping1D, Cropping2D, Cropping3D, Lambda, Permute, RepeatVector, UpSampling1D, UpSampling2D, UpSampling3D,
    ZeroPadding1D, ZeroPadding2D, ZeroPadding3D,
)
from .sequential import Sequential
from .wrappers import Bidirectional, TimeDistributed

__all__ = [
    "Layer", "InputSpecError", "Dense", "Activation", "Flatten", "Reshape", "Dropout", "Conv1D",
    "Conv2D", "MaxPool2D", "AvgPool2D", "MaxPooling2D", "AveragePooling2D", "GlobalAveragePooling2D",
    "GlobalAvgPool2D", "GlobalMaxPooling2D", "GlobalMaxPool2D", "BatchNormalization",
    "LayerNormalization", "Embedding", "Masking", "SimpleRNN", "LSTM", "GRU", "MultiHeadAttention",
    "Sequential", "activations",
    # merging
    "Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot", "add", "subtract",
    "multiply", "average", "maximum", "minimum", "concatenate", "dot",
    # reshaping
    "RepeatVector", "Permute", "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D", "ZeroPadding2D",
    "ZeroPadding3D", "Cropping1D", "Cropping2D", "Cropping3D", "Lambda",
    # convolution and pooling
    "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose", "DepthwiseConv1D", "DepthwiseConv2D",
    "SeparableConv1D", "SeparableConv2D", "Convolution3D", "Convolution1DTranspose", "Convolution2DTranspose",
    "Convolution3DTranspose", "SeparableConvolution1D", "SeparableConvolution2D", "MaxPooling1D",
    "AveragePooling1D", "MaxPool1D", "AvgPool1D", "MaxPooling3D", "AveragePooling3D", "MaxPool3D", "AvgPool3D",
    "GlobalAveragePooling1D", "GlobalMaxPooling1D", "GlobalAvgPool1D", "GlobalMaxPool1D",
    "GlobalAveragePooling3D", "GlobalMaxPooling3D", "GlobalAvgPool3D", "GlobalMaxPool3D",
    # activations, noise, wrappers, normalization, preprocessing
    "ReLU", "LeakyReLU", "PReLU", "ELU", "Softmax", "GaussianNoise", "GaussianDropout", "AlphaDropout",
    "SpatialDropout1D", "SpatialDropout2D", "SpatialDropout3D", "TimeDistributed", "Bidirectional",
    "GroupNormalization", "UnitNormalization", "Rescaling", "Normalization",
    # text, categorical and image preprocessing
    "TextVectorization", "StringLookup", "IntegerLookup", "CategoryEncoding", "Hashing", "HashedCrossing",
    "Discretization", "Resizing", "CenterCrop", "RandomCrop", "RandomFlip", "RandomRotation", "RandomZoom",
    "RandomTranslation", "RandomContrast", "RandomBrightness",
]


def __getattr__(name: str):
    # gt.keras.layers is this module; Keras lists InputLayer among the layers. It lives with
    # the Functional API (gradtape/keras/keras_tensor.py), which imports the layers, so it is
    # looked up on first use instead of imported here.
    if name == "InputLayer":
        from ..keras.keras_tensor import InputLayer
        return InputLayer
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
