"""d2lmini — the helper package of the rnn-course book
(D2L chapter 9, 한국어 · English).

What a learner imports is here: data, models, training, metrics, plotting. The book
build's controls live in :mod:`d2lmini.controls` and the grader in
:mod:`d2lmini.grading`; neither is imported by ``import d2lmini``.
"""

from . import hangul
from .download import (
    constitution_path,
    read_constitution,
    read_timemachine,
    timemachine_path,
)
from .loader import SequentialLoader, TensorLoader
from .metrics import bits_per_char, perplexity
from .models import RNN, RNNLM, LinearRegression, Module, RNNLMScratch, RNNScratch
from .ngram import NGramLM, ngram_freqs, ngrams, zipf_fit
from .plotting import figure_bytes, plot, plot_history, use_svg_display
from .sine import SineData, k_step_predictions
from .text import Vocab, preprocess, tokenize
from .time_machine import TimeMachine
from .training import (
    Trainer,
    TrainingDiverged,
    clip_gradients,
    evaluate_loss,
    evaluate_perplexity,
    loss_by_context,
)
from .utils import resolve_device, set_seed

__version__ = "0.1.0"

__all__ = [
    "RNN",
    "RNNLM",
    "LinearRegression",
    "Module",
    "NGramLM",
    "RNNLMScratch",
    "RNNScratch",
    "SequentialLoader",
    "SineData",
    "TensorLoader",
    "TimeMachine",
    "Trainer",
    "TrainingDiverged",
    "Vocab",
    "bits_per_char",
    "clip_gradients",
    "constitution_path",
    "evaluate_loss",
    "evaluate_perplexity",
    "figure_bytes",
    "hangul",
    "k_step_predictions",
    "loss_by_context",
    "ngram_freqs",
    "ngrams",
    "perplexity",
    "plot",
    "plot_history",
    "preprocess",
    "read_constitution",
    "read_timemachine",
    "resolve_device",
    "set_seed",
    "timemachine_path",
    "tokenize",
    "use_svg_display",
    "zipf_fit",
]
