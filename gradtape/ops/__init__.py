"""The op library: one module per family. Importing it attaches Python operators to Tensor."""

from . import array, clip, creation, indexing, linalg, math, nn, reduce  # noqa: F401
from . import linalg_decomp  # noqa: F401
from . import scan  # noqa: F401
from . import conv, random  # noqa: F401
from . import arithmetic, counting, sequence, sets, special, segment  # noqa: F401
from . import conv_dispatch, nn_losses, space, statistics  # noqa: F401
from . import conv3d, conv_variants, ctc, linalg_factor, linalg_structured  # noqa: F401
from . import random_distributions, random_gamma, candidate_sampling, special_functions  # noqa: F401
from . import equivalents  # noqa: F401
from . import bits, image, image_color, image_measures, linalg_functions, morphology, partition, sampled, signal, space_batch  # noqa: F401
from . import operators  # noqa: F401  (attaches + - * / @ [] ... to Tensor)
