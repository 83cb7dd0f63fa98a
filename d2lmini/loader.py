"""A minimal minibatch loader over in-memory tensors (far cheaper than DataLoader here)."""
import torch

from ._checks import positive_int


class TensorLoader:
    """Yield minibatches ``(t[idx] for t in tensors)``; reshuffled every pass if ``shuffle``.

    Shuffling draws from PyTorch's global generator, so ``set_seed`` makes it repeatable.
    The last batch may be smaller (nothing is dropped).
    """

    def __init__(self, tensors, batch_size, shuffle=False):
        self.tensors = tuple(tensors)
        self.batch_size = positive_int("batch_size", batch_size)
        self.shuffle = shuffle
        self.num_examples = len(self.tensors[0])
        if any(len(t) != self.num_examples for t in self.tensors):
            raise ValueError("all tensors must have the same length")

    def __len__(self):
        return -(-self.num_examples // self.batch_size)

    def __iter__(self):
        n, b = self.num_examples, self.batch_size
        if self.shuffle:
            order = torch.randperm(n)
            for i in range(0, n, b):
                idx = order[i:i + b]
                yield tuple(t[idx] for t in self.tensors)
        else:
            for i in range(0, n, b):
                yield tuple(t[i:i + b] for t in self.tensors)
