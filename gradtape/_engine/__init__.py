"""The engine: tensors, primitives, tapes, the reverse sweep and forward mode."""
