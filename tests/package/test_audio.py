"""nmf_teach.audio: synthesis, spectrogram, resynthesis and the HTML player, against what they promise."""

import base64
import io
import re
import wave

import numpy as np
import pytest

import nmf_teach as nt
from nmf_teach import audio

RATE = 8000


def test_a_pure_tone_peaks_at_its_frequency():
    x = audio.synthesize([[1, 1, 1, 1]], [440.0], rate=RATE, harmonics=(1.0,), attack=0.0, decay=10.0)
    spec = audio.spectrogram(x, RATE, nperseg=512)
    bin_width = RATE / 512
    middle = spec.magnitude[:, spec.magnitude.shape[1] // 2]
    assert abs(spec.frequencies[np.argmax(middle)] - 440.0) <= bin_width / 2
    peaks = audio.peak_frequencies(middle, spec.frequencies, rel_height=0.1)
    assert len(peaks) == 1 and abs(peaks[0] - 440.0) <= bin_width / 2


def test_harmonics_give_peaks_at_multiples_of_the_fundamental():
    x = audio.synthesize([[1, 1]], [300.0], rate=RATE, harmonics=(1.0, 0.5, 0.25), decay=10.0)
    spec = audio.spectrogram(x, RATE)
    peaks = audio.peak_frequencies(spec.magnitude.mean(axis=1), spec.frequencies, rel_height=0.05)
    assert len(peaks) == 3
    assert np.allclose(peaks, [300, 600, 900], atol=RATE / 512)


def test_synthesize_follows_the_score():
    score = np.array([[1, 0, 1], [0, 0.5, 1]])
    x, notes = audio.synthesize(score, [200.0, 310.0], rate=RATE, step=0.1, per_note=True)
    per_step = 800
    assert x.shape == (3 * per_step,) and notes.shape == (2, 3 * per_step)
    assert np.allclose(notes.sum(axis=0), x)                       # no noise: the notes add up
    assert np.all(notes[0, per_step:2 * per_step] == 0)           # silent where the score is 0
    assert np.abs(notes[1, per_step:2 * per_step]).max() > 0
    # loudness scales the note: step 1 of note 1 (0.5) is half of what a 1 gives
    full = audio.synthesize([[0, 1, 1], [0, 1, 1]], [200.0, 310.0], rate=RATE, step=0.1, per_note=True)[1]
    assert np.allclose(notes[1, per_step:2 * per_step], 0.5 * full[1, per_step:2 * per_step])


def test_synthesize_is_seeded_and_noise_is_added():
    a = audio.synthesize([[1, 0]], [220.0], noise=0.01, random_state=3)
    b = audio.synthesize([[1, 0]], [220.0], noise=0.01, random_state=3)
    c = audio.synthesize([[1, 0]], [220.0], noise=0.01, random_state=4)
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    clean = audio.synthesize([[1, 0]], [220.0], random_state=3)
    assert 0.005 < np.std(a - clean) < 0.02


def test_envelope_rises_then_fades():
    x = audio.synthesize([[1]], [250.0], rate=RATE, step=1.0, harmonics=(1.0,), attack=0.01, decay=0.1)
    seg = np.abs(x).reshape(-1, 80).max(axis=1)                  # peak per 10 ms
    assert seg[0] < seg[1]                                       # attack
    assert seg[5] > seg[30] > seg[60]                            # exponential decay


@pytest.mark.parametrize("kwargs, err, match", [
    ({"score": [[-1, 0]]}, ValueError, "negative"),
    ({"frequencies": [100.0, 200.0]}, ValueError, "one frequency per note"),
    ({"frequencies": [0.0]}, ValueError, "positive"),
    ({"frequencies": [1000.0]}, ValueError, "Nyquist"),
    ({"step": 1e-6}, ValueError, "one sample"),
    ({"rate": 8000.0}, TypeError, "rate"),
    ({"decay": 0.0}, ValueError, "decay"),
])
def test_synthesize_bad_input(kwargs, err, match):
    args = {"score": [[1, 0]], "frequencies": [220.0]} | kwargs
    with pytest.raises(err, match=match):
        audio.synthesize(args.pop("score"), args.pop("frequencies"), **args)


def test_score_at_times_against_a_loop():
    score = np.array([[1, 0, 2], [0, 3, 0]], dtype=float)
    times = np.array([0.0, 0.24, 0.25, 0.6, 0.75, 0.9])
    got = audio.score_at_times(score, 0.25, times)
    for c, t in enumerate(times):
        s = min(int(t // 0.25), 2)
        assert np.array_equal(got[:, c], score[:, s])
    with pytest.raises(ValueError, match=">= 0"):
        audio.score_at_times(score, 0.25, [-0.1])


def test_spectrogram_shapes_and_inverse(rng=np.random.default_rng(0)):
    x = rng.standard_normal(3000)
    spec = audio.spectrogram(x, RATE, nperseg=256)
    assert spec.stft.shape == (129, spec.times.size)
    assert np.array_equal(spec.X, spec.magnitude.T) and np.all(spec.X >= 0)
    assert np.allclose(spec.magnitude * np.exp(1j * spec.phase), spec.stft)
    assert spec.frequencies[-1] == RATE / 2 and spec.noverlap == 128
    # with all of the magnitude given to one component, resynthesis returns the signal itself
    W, H = np.ones((spec.times.size, 1)), spec.magnitude.mean(axis=1)[None] + 1e-3
    assert np.allclose(audio.resynthesize(spec, W, H)[0], x)


@pytest.mark.parametrize("args, kwargs, err, match", [
    ((np.zeros(100), RATE), {}, ValueError, "fewer than one frame"),
    ((np.zeros(1000), RATE), {"noverlap": 512}, ValueError, "noverlap"),
    ((np.zeros((2, 600)), RATE), {}, ValueError, "1-D"),
    ((np.full(600, np.nan), RATE), {}, ValueError, "NaN"),
    ((np.zeros(600), 0), {}, ValueError, "rate"),
])
def test_spectrogram_bad_input(args, kwargs, err, match):
    with pytest.raises(err, match=match):
        audio.spectrogram(*args, **kwargs)


def test_peak_frequencies_edge_cases():
    f = np.arange(5.0)
    assert audio.peak_frequencies(np.zeros(5), f).size == 0
    assert np.array_equal(audio.peak_frequencies([0, 1, 0, 3, 0], f, rel_height=0.5), [3.0])
    assert np.array_equal(audio.peak_frequencies([0, 1, 0, 3, 0], f, rel_height=0.2), [1.0, 3.0])
    with pytest.raises(ValueError, match="negative"):
        audio.peak_frequencies([0, -1, 0], f[:3])
    with pytest.raises(ValueError, match="must match"):
        audio.peak_frequencies([0, 1, 0], f)


@pytest.fixture(scope="module")
def separated():
    score = np.array([[1, 0, 1, 1], [0, 1, 1, 0]], dtype=float)
    x, notes = audio.synthesize(score, [262.0, 392.0], rate=RATE, step=0.25, per_note=True)
    spec = audio.spectrogram(x, RATE)
    fit = nt.solvers.nmf(spec.X, 2, init="nndsvda", max_iter=200)
    return x, notes, spec, fit


def test_resynthesis_of_all_components_is_the_mixture(separated):
    x, notes, spec, fit = separated
    parts = audio.resynthesize(spec, fit.W, fit.H)
    assert parts.shape == (2, x.size)
    assert np.allclose(parts.sum(axis=0), x, atol=1e-10)


def test_resynthesized_components_sound_like_the_notes(separated):
    x, notes, spec, fit = separated
    parts = audio.resynthesize(spec, fit.W, fit.H)
    corr = np.corrcoef(np.vstack([parts, notes]))[:2, 2:]     # components x notes
    best = corr.max(axis=1)
    assert sorted(corr.argmax(axis=1)) == [0, 1] and best.min() > 0.95


def test_resynthesize_gives_equal_shares_where_the_model_is_zero(separated):
    x, notes, spec, fit = separated
    parts = audio.resynthesize(spec, np.zeros_like(fit.W), fit.H)
    assert np.allclose(parts[0], parts[1]) and np.allclose(parts.sum(axis=0), x, atol=1e-10)


def test_resynthesize_bad_input(separated):
    x, notes, spec, fit = separated
    with pytest.raises(TypeError, match="Spectrogram"):
        audio.resynthesize(spec.stft, fit.W, fit.H)
    with pytest.raises(ValueError, match="rows of X = spec.X are frames"):
        audio.resynthesize(spec, fit.H.T, fit.W.T)
    with pytest.raises(ValueError, match="negative"):
        audio.resynthesize(spec, -fit.W, fit.H)


def _decode(player_html):
    src = re.search(r'src="data:audio/wav;base64,([^"]+)"', player_html).group(1)
    with wave.open(io.BytesIO(base64.b64decode(src)), "rb") as w:
        return w.getframerate(), w.getnchannels(), w.getsampwidth(), np.frombuffer(w.readframes(w.getnframes()), "<i2")


def test_player_embeds_one_labelled_audio_element():
    x = np.sin(2 * np.pi * 440 * np.arange(800) / RATE) * 3.0
    text = audio.player(x, RATE, "Component 1 (note A4)").data
    assert text.count("<audio") == 1 and text.count("data:audio/wav;base64,") == 1
    assert "<figcaption>Component 1 (note A4)" in text
    assert 'aria-label="Component 1 (note A4)"' in text and "controls" in text
    rate, channels, width, pcm = _decode(text)
    assert (rate, channels, width, pcm.size) == (RATE, 1, 2, 800)
    assert abs(np.abs(pcm).max() - round(0.99 * 32767)) <= 1       # normalized to 0.99
    assert np.allclose(pcm / pcm.max(), x / x.max(), atol=1e-3)


def test_player_escapes_the_label_and_keeps_quiet_sounds_without_normalizing():
    text = audio.player(np.full(10, 0.5), RATE, 'a <b> "quoted" label', normalize=False).data
    assert "<b>" not in text and "&lt;b&gt;" in text and 'aria-label="a &lt;b&gt; &quot;quoted&quot; label"' in text
    assert np.all(_decode(text)[3] == round(0.5 * 32767))
    silent = audio.player(np.zeros(10), RATE, "silence").data
    assert np.all(_decode(silent)[3] == 0)


@pytest.mark.parametrize("signal, label, kwargs, err, match", [
    (np.zeros(10), "", {}, ValueError, "label is empty"),
    (np.zeros(10), None, {}, TypeError, "label"),
    (np.full(10, 2.0), "loud", {"normalize": False}, ValueError, r"\[-1, 1\]"),
    (np.zeros((2, 5)), "two channels", {}, ValueError, "1-D"),
])
def test_player_bad_input(signal, label, kwargs, err, match):
    with pytest.raises(err, match=match):
        audio.player(signal, RATE, label, **kwargs)
