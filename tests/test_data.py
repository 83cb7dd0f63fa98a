import pytest
import torch

import d2lmini
from d2lmini import SineData, TimeMachine


def test_sine_shapes_and_lagged_features():
    data = SineData(T=100, num_train=60, tau=4)
    assert data.features.shape == (96, 4) and data.labels.shape == (96, 1)
    # row i holds x[i..i+3] and its label is x[i+4]
    assert torch.equal(data.features[10], data.x[10:14])
    assert data.labels[10, 0] == data.x[14]
    X, y = next(iter(data.train_dataloader()))
    assert X.shape == (16, 4) and y.shape == (16, 1)
    assert sum(len(y) for _, y in data.val_dataloader()) == 96 - 60


def test_sine_tau_can_change():
    data = SineData(T=100, num_train=60, tau=4)
    data.tau = 8
    assert data.features.shape == (92, 8)
    with pytest.raises(ValueError, match="at most 39"):
        data.tau = 40


def test_sine_is_seeded():
    assert torch.equal(SineData(seed=3).x, SineData(seed=3).x)
    assert not torch.equal(SineData(seed=3).x, SineData(seed=4).x)


def test_k_step_predictions_feed_back_their_own_outputs():
    data = SineData(T=50, num_train=30, tau=2)

    def model(X):
        return X.sum(dim=1, keepdim=True)  # x_t = x_{t-1} + x_{t-2}

    preds = d2lmini.k_step_predictions(model, data, k=3)
    assert preds.shape == (50 - 2 - 3 + 1, 3)
    x = data.x
    one = x[0] + x[1]
    two = x[1] + one
    three = one + two
    assert torch.allclose(preds[0], torch.stack([one, two, three]))
    with pytest.raises(ValueError, match="k must be at most"):
        d2lmini.k_step_predictions(model, data, k=60)


def test_timemachine_corpus_and_vocab(char_data):
    assert len(char_data.vocab) == 28  # <unk>, space, 26 letters
    assert char_data.vocab.to_tokens(char_data.corpus[:3]) == list(
        d2lmini.preprocess(char_data.raw_text)[:3]
    )


def test_loader_shapes_and_one_step_shift(char_data):
    X, Y = next(iter(char_data.train_dataloader()))
    assert X.shape == Y.shape == (64, 16)
    assert X.dtype == torch.long
    assert torch.equal(X[:, 1:], Y[:, :-1])
    batches = list(char_data.train_dataloader())
    assert sum(len(x) for x, _ in batches) == 2000
    assert len(batches) == len(char_data.train_dataloader()) == 32


def test_targets_are_the_next_tokens_in_the_corpus(char_data):
    corpus = torch.tensor(char_data.corpus)
    for X, Y in char_data.val_dataloader():
        start = char_data.val_start
        assert torch.equal(X[0], corpus[start : start + 16])
        assert torch.equal(Y[0], corpus[start + 1 : start + 17])
        break


def test_train_and_val_windows_share_no_token_position(char_data):
    steps = char_data.num_steps
    train_positions = set(range(char_data.num_train - 1 + steps + 1))
    s = char_data.val_start
    val_positions = set(range(s, s + char_data.num_val - 1 + steps + 1))
    assert not train_positions & val_positions
    assert s == char_data.num_train + steps  # the gap is as small as it can be


def test_word_level_data(data_dir):
    data = TimeMachine(
        batch_size=8, num_steps=5, num_train=100, num_val=50, token="word"
    )
    assert data.vocab.to_tokens(data.corpus[:2]) == ["the", "time"]
    assert not data.vocab.is_char_level


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (
            {"batch_size": 0, "num_steps": 5},
            ValueError,
            "batch_size must be at least 1",
        ),
        ({"batch_size": 2, "num_steps": 0}, ValueError, "num_steps must be at least 1"),
        (
            {"batch_size": 2, "num_steps": 2.5},
            TypeError,
            "num_steps must be an integer",
        ),
        (
            {"batch_size": 2, "num_steps": 5, "token": "byte"},
            ValueError,
            "token must be one of",
        ),
        (
            {"batch_size": 2, "num_steps": 32, "num_train": 10**6},
            ValueError,
            "at most 173364",
        ),
    ],
)
def test_timemachine_bad_input(data_dir, kwargs, error, message):
    with pytest.raises(error, match=message):
        TimeMachine(**kwargs)


def test_errors_are_bilingual():
    with pytest.raises(ValueError) as err:
        SineData(batch_size=0)
    assert "must be at least 1" in str(err.value) and "1 이상" in str(err.value)


# ---------------------------------------------------------------- sequential loader
@pytest.mark.parametrize("offset", [0, 1, 6])
def test_sequential_streams_reassemble_the_text(offset):
    tokens = torch.arange(1000) * 7 % 31  # any sequence with repeats
    loader = d2lmini.SequentialLoader(tokens, batch_size=4, num_steps=7, offset=offset)
    batches = list(loader)
    assert len(batches) == len(loader) == ((1000 - 6 - 1) // 4) // 7
    Xs = torch.cat([X for X, _ in batches], dim=1)  # window i+1 continues window i
    Ys = torch.cat([Y for _, Y in batches], dim=1)
    L = (1000 - offset - 1) // 4  # tokens per stream
    for b in range(4):  # row b is one stretch of the text, from offset + b L
        start = offset + b * L
        assert torch.equal(Xs[b], tokens[start : start + Xs.shape[1]])
        assert torch.equal(Ys[b], tokens[start + 1 : start + 1 + Xs.shape[1]])
    for X, Y in batches:
        assert X.shape == Y.shape == (4, 7)
    # the streams, laid end to end, are the text from the offset on
    full = torch.cat(list(loader.streams(offset)[0]))
    assert torch.equal(full, tokens[offset : offset + 4 * L])


def test_sequential_offset_is_random_and_seeded():
    tokens = torch.arange(500)
    loader = d2lmini.SequentialLoader(tokens, batch_size=2, num_steps=10)
    firsts = []
    for seed in range(30):
        d2lmini.set_seed(seed)
        firsts.append(int(next(iter(loader))[0][0, 0]))
    assert set(firsts) <= set(range(10)) and len(set(firsts)) > 5
    d2lmini.set_seed(3)
    a = [X for X, _ in loader]
    d2lmini.set_seed(3)
    b = [X for X, _ in loader]
    assert all(torch.equal(x, y) for x, y in zip(a, b))


def test_sequential_loader_refuses_too_little_text():
    with pytest.raises(ValueError, match="too short for one window"):
        d2lmini.SequentialLoader(torch.arange(50), batch_size=8, num_steps=7)


def test_time_machine_sequential_uses_the_same_text(char_data):
    seq = TimeMachine(
        batch_size=8, num_steps=16, num_train=2000, num_val=1000, sequential=True
    )
    assert seq.sequential and not char_data.sequential
    # the training text is what the shuffled windows cover, and no more
    text = seq.train_text()
    assert len(text) == 2000 + 16
    assert torch.equal(text[:-16], char_data.X[:2000, 0])
    assert torch.equal(text[-16:], char_data.Y[1999])
    val = seq.val_text()
    s = char_data.val_start
    assert torch.equal(val[:-16], char_data.X[s : s + 1000, 0])
    # validation streams start at offset 0, every pass the same
    v1 = [X for X, _ in seq.val_dataloader()]
    v2 = [X for X, _ in seq.val_dataloader()]
    assert all(torch.equal(x, y) for x, y in zip(v1, v2))
    assert torch.equal(v1[0][0], val[:16])
    train = seq.train_dataloader()
    assert getattr(train, "sequential", False)
    assert not getattr(char_data.train_dataloader(), "sequential", False)
    with pytest.raises(AttributeError):
        seq.sequential = False
