"""Sound as a non-negative matrix: synthesize a score, take its spectrogram, play the parts.

Explained in *NMF on sound* (``book/19_sound``).

The magnitude of a short-time Fourier transform (STFT) is a non-negative
matrix: one row per time frame, one column per frequency (the book's
orientation, rows are samples). NMF writes it as activations over time ``W``
times spectra ``H``; the audio literature usually stores the transpose,
spectra as the columns of its ``W`` (Smaragdis & Brown 2003).

- :func:`synthesize`      notes with harmonics and an envelope, played from a piano roll
- :func:`score_at_times`  the piano roll sampled at the STFT's frame times
- :func:`spectrogram`     the STFT (:func:`scipy.signal.stft`), kept with its phase
- :func:`peak_frequencies` the frequencies where a spectrum has its peaks
- :func:`resynthesize`    one signal per NMF component: its share of the mixture (a soft mask)
- :func:`player`          an HTML audio player with the sound embedded, and a visible label

References
----------
Smaragdis, P. and Brown, J. C. (2003). Non-negative matrix factorization for
polyphonic music transcription. IEEE Workshop on Applications of Signal
Processing to Audio and Acoustics (WASPAA), 177-180.
"""

from __future__ import annotations

import base64
import html
import io
import numbers
import wave
from dataclasses import dataclass

import numpy as np

from ._validation import as_real_array, validate_nonnegative, validate_positive_int, validate_positive_scalar, validate_random_state

__all__ = [
    "Spectrogram",
    "synthesize",
    "score_at_times",
    "spectrogram",
    "peak_frequencies",
    "resynthesize",
    "player",
]


def _as_signal(signal, name="signal"):
    """``signal`` as a finite 1-D float64 array with at least one sample, or raise."""
    return as_real_array(signal, name, ndim=1, what="a non-empty 1-D array of samples", allow_bool=False)


def _validate_rate(rate):
    """The sampling rate as a positive int (samples per second), or raise."""
    return validate_positive_int(rate, "rate")


def _note_signals(score, frequencies, rate, step, harmonics, attack, decay, rng):
    """(n_notes, n_samples): each note struck at every positive entry of its row of the score."""
    n_notes, n_steps = score.shape
    per_step = int(round(step * rate))
    t = np.arange(per_step) / rate
    envelope = np.minimum(t / attack, 1.0) * np.exp(-t / decay) if attack > 0 else np.exp(-t / decay)
    out = np.zeros((n_notes, n_steps * per_step))
    for j, f0 in enumerate(frequencies):
        phases = rng.uniform(0.0, 2 * np.pi, size=len(harmonics))
        tone = sum(a * np.sin(2 * np.pi * f0 * (h + 1) * t + p) for h, (a, p) in enumerate(zip(harmonics, phases)))
        for s in np.flatnonzero(score[j] > 0):
            out[j, s * per_step:(s + 1) * per_step] += score[j, s] * envelope * tone
    return out


def synthesize(score, frequencies, *, rate=8000, step=0.25, harmonics=(1.0, 0.6, 0.36, 0.22, 0.13, 0.08),
               attack=0.01, decay=0.15, noise=0.0, random_state=0, per_note=False):
    """Play a piano roll: notes with harmonics and a struck envelope, as one signal.

    Note ``j`` is struck at the start of every step ``s`` with ``score[j, s] > 0``
    and sounds for that step with loudness ``score[j, s]``:

    .. math:: x_j(t) = \\text{score}_{js}\\, e(t - s\\,\\Delta) \\sum_h a_h \\sin(2\\pi h f_j t + \\varphi_{jh}),

    with the envelope ``e(t) = min(t / attack, 1) exp(-t / decay)`` (a fast
    rise, then an exponential fade), harmonic amplitudes ``a_h`` and random
    phases ``φ`` drawn from ``random_state``. The mixture is the sum over the
    notes, plus optional white noise.

    Parameters
    ----------
    score : array-like of shape (n_notes, n_steps)
        The piano roll: 0 = silent, a positive number = the note is struck with
        that loudness (1 for a plain 0/1 roll).
    frequencies : array-like of shape (n_notes,)
        The fundamental frequency of each note, in Hz.
    rate : int, default=8000
        Samples per second.
    step : float, default=0.25
        The length of one step of the score, in seconds.
    harmonics : sequence of float, default=(1.0, 0.6, 0.36, 0.22, 0.13, 0.08)
        Amplitude of the fundamental and of each overtone (harmonic ``h`` at
        ``h × f``). Every harmonic must stay below the Nyquist frequency
        ``rate / 2``, or it would alias to a wrong pitch.
    attack, decay : float, default=0.01, 0.15
        The envelope's rise time and fading time constant, in seconds.
    noise : float, default=0.0
        Standard deviation of added Gaussian noise.
    random_state : None, int or numpy.random.Generator, default=0
        Seed of the phases and the noise (``None``: fresh randomness; see
        :func:`nmf_teach._validation.validate_random_state`).
    per_note : bool, default=False
        Also return each note's own signal (the ground truth of a separation).

    Returns
    -------
    signal : ndarray of shape (n_steps * round(step * rate),)
        The mixture.
    notes : ndarray of shape (n_notes, n_samples)
        Only if ``per_note``: each note alone; ``notes.sum(axis=0)`` is the
        mixture without its noise.

    Raises
    ------
    ValueError
        On a negative score, a number of frequencies different from the number
        of rows of the score, a harmonic at or above ``rate / 2``, or a step
        shorter than one sample.

    Notes
    -----
    Explained in *NMF on sound*.
    """
    score = validate_nonnegative(score, "score")
    rate = _validate_rate(rate)
    f = _as_signal(frequencies, "frequencies")
    if f.size != score.shape[0]:
        raise ValueError(f"score has {score.shape[0]} rows (notes) but {f.size} frequencies were given; "
                         "pass one frequency per note.")
    if np.any(f <= 0):
        raise ValueError(f"frequencies must be positive (Hz); the smallest is {f.min():g}.")
    amps = _as_signal(harmonics, "harmonics")
    top = f.max() * amps.size
    if top >= rate / 2:
        raise ValueError(f"harmonic {amps.size} of {f.max():g} Hz is at {top:g} Hz, at or above the Nyquist "
                         f"frequency rate / 2 = {rate / 2:g} Hz; use fewer harmonics, lower notes or a higher rate.")
    step = validate_positive_scalar(step, "step")
    if int(round(step * rate)) < 1:
        raise ValueError(f"step = {step:g} s is shorter than one sample at rate {rate}.")
    attack = validate_positive_scalar(attack, "attack", allow_zero=True)
    decay = validate_positive_scalar(decay, "decay")
    noise = validate_positive_scalar(noise, "noise", allow_zero=True)
    rng = validate_random_state(random_state)
    notes = _note_signals(score, f, rate, step, amps, attack, decay, rng)
    signal = notes.sum(axis=0)
    if noise > 0:
        signal = signal + noise * rng.standard_normal(signal.size)
    return (signal, notes) if per_note else signal


def score_at_times(score, step, times):
    """The piano roll at given times: ``score[:, floor(t / step)]`` for every ``t``.

    Parameters
    ----------
    score : array-like of shape (n_notes, n_steps)
    step : float
        The length of one step, in seconds.
    times : array-like of shape (n_frames,)
        Times in seconds, e.g. :attr:`Spectrogram.times`. Times past the end
        of the score get the last step (the STFT's last frame is centred on
        the very end of the signal).

    Returns
    -------
    ndarray of shape (n_notes, n_frames)

    Notes
    -----
    Explained in *NMF on sound*.
    """
    score = validate_nonnegative(score, "score")
    step = validate_positive_scalar(step, "step")
    t = _as_signal(times, "times")
    if np.any(t < 0):
        raise ValueError(f"times must be >= 0; the smallest is {t.min():g}.")
    idx = np.minimum((t / step).astype(int), score.shape[1] - 1)
    return score[:, idx]


@dataclass(frozen=True)
class Spectrogram:
    """A short-time Fourier transform with what it takes to invert it.

    Attributes
    ----------
    frequencies : ndarray of shape (n_freqs,)
        The centre frequency of every bin, in Hz, from 0 to ``rate / 2``.
    times : ndarray of shape (n_frames,)
        The centre of every frame, in seconds.
    stft : ndarray of complex, shape (n_freqs, n_frames)
        The STFT of :func:`scipy.signal.stft` (Hann window).
    rate : int
    nperseg, noverlap : int
        Frame length and overlap in samples.
    n_samples : int
        The length of the signal, to trim the inverse.
    """

    frequencies: np.ndarray
    times: np.ndarray
    stft: np.ndarray
    rate: int
    nperseg: int
    noverlap: int
    n_samples: int

    @property
    def magnitude(self):
        """``|stft|``, shape (n_freqs, n_frames): the non-negative part NMF sees."""
        return np.abs(self.stft)

    @property
    def phase(self):
        """``angle(stft)``, shape (n_freqs, n_frames): the part NMF leaves alone."""
        return np.angle(self.stft)

    @property
    def X(self):
        """The magnitude in the book's orientation, shape (n_frames, n_freqs): rows are time frames."""
        return self.magnitude.T


def spectrogram(signal, rate, *, nperseg=512, noverlap=None):
    """The short-time Fourier transform of ``signal``, with a Hann window.

    Parameters
    ----------
    signal : array-like of shape (n_samples,)
    rate : int
        Samples per second.
    nperseg : int, default=512
        Samples per frame; frequency bins are ``rate / nperseg`` Hz apart.
    noverlap : int, optional
        Samples shared by neighbouring frames; ``nperseg // 2`` by default
        (then a Hann window satisfies the overlap-add condition and
        :func:`scipy.signal.istft` inverts the transform exactly).

    Returns
    -------
    Spectrogram
        ``.X`` (frames × frequencies) is the non-negative matrix for NMF.

    Raises
    ------
    ValueError
        If the signal is shorter than one frame or ``noverlap >= nperseg``.

    Notes
    -----
    Explained in *NMF on sound*.
    """
    from scipy.signal import stft

    x = _as_signal(signal)
    rate = _validate_rate(rate)
    nperseg = validate_positive_int(nperseg, "nperseg")
    if x.size < nperseg:
        raise ValueError(f"signal has {x.size} samples, fewer than one frame of nperseg = {nperseg}.")
    if noverlap is None:
        noverlap = nperseg // 2
    if isinstance(noverlap, (bool, np.bool_)) or not isinstance(noverlap, numbers.Integral):
        raise TypeError(f"noverlap must be an integer, got {noverlap!r}.")
    if not 0 <= noverlap < nperseg:
        raise ValueError(f"noverlap must be in [0, nperseg) = [0, {nperseg}), got {noverlap}.")
    f, t, Z = stft(x, fs=rate, window="hann", nperseg=nperseg, noverlap=int(noverlap))
    return Spectrogram(f, t, Z, rate, nperseg, int(noverlap), x.size)


def peak_frequencies(spectrum, frequencies, *, rel_height=0.1):
    """The frequencies of the local maxima of a spectrum that reach ``rel_height`` of its largest value.

    Parameters
    ----------
    spectrum : array-like of shape (n_freqs,)
        Non-negative, e.g. one row of ``H`` or one frame of a magnitude spectrogram.
    frequencies : array-like of shape (n_freqs,)
        The frequency of every entry, in Hz.
    rel_height : float, default=0.1
        Keep peaks at least this fraction of the largest entry.

    Returns
    -------
    ndarray
        The peak frequencies, in increasing order (empty for an all-zero spectrum).

    Notes
    -----
    Explained in *NMF on sound*. A peak is a local maximum as found by
    :func:`scipy.signal.find_peaks`; the largest entry is always among them
    unless it sits at either end.
    """
    from scipy.signal import find_peaks

    s = _as_signal(spectrum, "spectrum")
    if np.any(s < 0):
        i = int(np.argmax(s < 0))
        raise ValueError(f"spectrum has {int((s < 0).sum())} negative entries; the first is spectrum[{i}] = {s[i]:g}.")
    f = _as_signal(frequencies, "frequencies")
    if f.size != s.size:
        raise ValueError(f"spectrum has {s.size} entries but frequencies has {f.size}; they must match.")
    rel_height = validate_positive_scalar(rel_height, "rel_height", allow_zero=True)
    if s.max() == 0:
        return np.array([])
    idx, _ = find_peaks(s, height=rel_height * s.max())
    return f[idx]


def resynthesize(spec, W, H):
    """One signal per NMF component: the component's share of the mixture, turned back into sound.

    NMF fits the magnitude only, ``|Z|ᵀ ≈ WH``. Component ``r`` explains the
    part ``P_r = W[:, r] H[r, :]`` of it. Each STFT coefficient of the mixture
    is split in proportion to these parts (a soft, Wiener-like mask), keeping
    the mixture's phase:

    .. math:: Z_r = \\frac{P_r}{\\sum_s P_s} \\circ Z, \\qquad x_r = \\mathrm{ISTFT}(Z_r).

    The masks add up to 1, so the components add up to the mixture (exactly,
    up to rounding, where the ISTFT inverts the STFT). Where ``WH = 0`` every
    component gets an equal share.

    Parameters
    ----------
    spec : Spectrogram
        What :func:`spectrogram` returned for the mixture.
    W : array-like of shape (n_frames, k)
        The activations, non-negative.
    H : array-like of shape (k, n_freqs)
        The spectra, non-negative.

    Returns
    -------
    ndarray of shape (k, n_samples)
        Row ``r`` is component ``r`` as a signal.

    Raises
    ------
    TypeError
        If ``spec`` is not a :class:`Spectrogram`.
    ValueError
        If the shapes of ``W`` and ``H`` do not fit the spectrogram.

    Notes
    -----
    Explained in *NMF on sound*.
    """
    from scipy.signal import istft

    if not isinstance(spec, Spectrogram):
        raise TypeError(f"spec must be the Spectrogram that spectrogram() returned, got {type(spec).__name__}.")
    W = validate_nonnegative(W, "W")
    H = validate_nonnegative(H, "H")
    n_freqs, n_frames = spec.stft.shape
    if W.shape[0] != n_frames or H.shape[1] != n_freqs or W.shape[1] != H.shape[0]:
        raise ValueError(
            f"W has shape {W.shape} and H has shape {H.shape}, but the spectrogram needs W of shape "
            f"({n_frames}, k) and H of shape (k, {n_freqs}) with the same k (rows of X = spec.X are frames).")
    k = W.shape[1]
    total = W @ H                                      # (frames, freqs)
    out = np.empty((k, spec.n_samples))
    for r in range(k):
        part = np.outer(W[:, r], H[r])
        mask = np.divide(part, total, out=np.full_like(total, 1.0 / k), where=total > 0)
        _, x = istft(mask.T * spec.stft, fs=spec.rate, window="hann", nperseg=spec.nperseg,
                     noverlap=spec.noverlap)
        x = x[: spec.n_samples]
        out[r, : x.size] = x
        out[r, x.size:] = 0.0
    return out


def _wav_bytes(signal, rate):
    """16-bit mono PCM WAV file contents of ``signal`` (samples in [-1, 1])."""
    pcm = np.round(np.clip(signal, -1.0, 1.0) * 32767).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return buf.getvalue()


def player(signal, rate, label, *, normalize=True):
    """An HTML audio player with the sound embedded and a visible, accessible label.

    The sound is written as a 16-bit WAV file and embedded in the page as a
    base64 ``data:`` URI, so the player works on a static website without a
    kernel (the same idea as :class:`IPython.display.Audio`, plus a caption).

    Parameters
    ----------
    signal : array-like of shape (n_samples,)
    rate : int
        Samples per second.
    label : str
        Shown above the player (``<figcaption>``) and given to screen readers
        (``aria-label``).
    normalize : bool, default=True
        Scale the signal so that its largest absolute sample is 0.99 (a silent
        signal stays silent). With False, samples must already lie in [-1, 1].

    Returns
    -------
    IPython.display.HTML
        One ``<figure>`` holding the caption and one ``<audio controls>``. Its
        ``.data`` is the HTML text (about 4/3 of ``2 × n_samples`` bytes).

    Raises
    ------
    ValueError
        If the label is empty, or ``normalize=False`` and a sample lies outside [-1, 1].

    Notes
    -----
    Explained in *NMF on sound*.
    """
    from IPython.display import HTML

    x = _as_signal(signal)
    rate = _validate_rate(rate)
    if not isinstance(label, str):
        raise TypeError(f"label must be a string, got {type(label).__name__}.")
    if not label.strip():
        raise ValueError("label is empty; every player needs a visible label saying what it plays.")
    peak = float(np.abs(x).max())
    if normalize:
        if peak > 0:
            x = 0.99 * x / peak
    elif peak > 1:
        raise ValueError(f"with normalize=False the samples must lie in [-1, 1]; the largest |sample| is {peak:g}.")
    data = base64.b64encode(_wav_bytes(x, rate)).decode("ascii")
    text = html.escape(label)
    attr = html.escape(label, quote=True)
    seconds = x.size / rate
    return HTML(
        '<figure class="nmf-audio" style="margin: 0.5em 0; max-width: 100%;">'
        f'<figcaption>{text} <small>({seconds:.1f} s)</small></figcaption>'
        f'<audio controls preload="metadata" aria-label="{attr}" style="max-width: 100%;" '
        f'src="data:audio/wav;base64,{data}"></audio></figure>'
    )
