// STFTSpectrogram and MelSpectrogram against Keras 3.16 (values printed by the NumPy backend,
// `/tmp/keras_env/kpy`, on the same signals): every STFTSpectrogram mode, windows, scalings,
// paddings, layouts and channels; MelSpectrogram's filterbank, decibel scale and options; the DFT
// kernels as Keras's weights; shapes, configs, gradients, errors, and no leaked tensors.

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadKerasModel, memory, saveKerasModel, tensor, tidy, type Tensor } from '../../src/node';
import { Input } from '../../src/layers/index';
import { MelSpectrogram, STFTSpectrogram, type STFTSpectrogramArgs } from '../../src/layers/spectrogram';
import { onBothBackends, useWebGPU } from '../helpers';
import { expectClose, layerGradCheck, seededValues } from './layer_helpers';

useWebGPU();

/** The test signal, as in the Keras script: float32(sin(a·i) + 0.5·cos(b·i)), i = 0 .. n-1. */
function signal(n: number, a = 1.3, b = 0.45): number[] {
  return Array.from({ length: n }, (_, i) => Math.fround(Math.sin(a * i) + 0.5 * Math.cos(b * i)));
}

async function stftOf(args: STFTSpectrogramArgs, values: number[], shape: number[]): Promise<{ shape: number[]; data: Float32Array }> {
  const y = new STFTSpectrogram(args).apply(tensor(values, shape));
  const result = { shape: [...y.shape], data: (await y.data()) as Float32Array };
  y.dispose();
  return result;
}

// Keras 3.16: STFTSpectrogram(mode=..., frame_length=8, frame_step=4, fft_length=8) on signal(16) as (1, 16, 1).
const KERAS_MODES: Record<string, number[]> = {
  log: [-0.8627949, -0.02115645, 0.06518433, -0.9149934, -5.941502, 0.02667833, 0.1501248, 0.03772681, -0.9217954, -4.187803, -0.3562511, -0.08630104, -0.03854975, -0.9072823, -4.456105],
  magnitude: [0.421981, 0.9790658, 1.067356, 0.4005193, 0.002628081, 1.027037, 1.161979, 1.038447, 0.3978042, 0.0151796, 0.7002968, 0.917318, 0.9621838, 0.4036196, 0.01160749],
  psd: [0.178068, 1.91714, 2.278497, 0.3208314, 6.906807e-6, 1.054806, 2.700391, 2.156746, 0.3164963, 0.0002304203, 0.4904155, 1.682945, 1.851595, 0.3258176, 0.0001347338],
  real: [-0.421981, 0.9673626, -0.9601724, 0.2024863, 0.002628081, -1.027037, 1.100905, -0.9914476, 0.3964715, 0.0151796, 0.7002968, -0.6686146, 0.1428194, 0.1698432, 0.01160749],
  imag: [0, -0.1509287, -0.4661731, 0.3455648, 1.280536e-7, 0, -0.3717576, 0.3088768, -0.03253522, -5.209451e-8, 0, -0.6280342, 0.9515253, -0.366145, -2.239397e-7],
  angle: [3.141593, -0.154773, -2.689604, 1.040766, 4.872515e-5, 3.141593, -0.3256607, 2.839581, -0.08187848, -3.431876e-6, 0, -2.387481, 1.421813, -1.136469, -1.929269e-5],
  stft: [
    -0.421981, 0.9673626, -0.9601724, 0.2024863, 0.002628081, 0, -0.1509287, -0.4661731, 0.3455648, 1.280536e-7, -1.027037, 1.100905, -0.9914476, 0.3964715, 0.0151796, 0, -0.3717576, 0.3088768,
    -0.03253522, -5.209451e-8, 0.7002968, -0.6686146, 0.1428194, 0.1698432, 0.01160749, 0, -0.6280342, 0.9515253, -0.366145, -2.239397e-7,
  ],
};

// Keras 3.16: mode='stft', frame_length=6, frame_step=3, fft_length=8, window='hamming', periodic=True,
// scaling='spectrum', padding='same' on signal(20) as (1, 10, 2); expand_dims=False gives the same
// numbers with each channel's 10 values together.
const KERAS_STEREO_EXPANDED = [
  0.1891947, 0.1166885, 0.01964505, 0.1619594, -0.3557818, -0.3595113, 0.4542641, -0.1149196, -0.4254496, 0.5082544, 0, 0, -0.2621886, -0.2220274, 0.2027436, -0.1611694, -0.02453418, 0.4499553,
  1.034901e-7, -6.646982e-8, -0.2235261, -0.1798195, 0.1279028, -0.01788962, -0.03467097, 0.2911901, -0.23671, -0.5356273, 0.6737036, 0.5902483, 0, 0, 0.2448593, 0.2509339, -0.3391665, -0.275142,
  0.5046189, 0.1649581, -3.912605e-8, -1.236923e-7, 0.2541975, 0.2184684, -0.2053333, -0.1294769, 0.1604827, 0.08480471, -0.4437309, 0.08015706, 0.4708754, -0.5006944, 0, 0, -0.1744368, -0.2414259,
  0.04358368, 0.2898279, 0.02761696, -0.4673436, -1.899294e-7, -1.048204e-8, -0.1481052, -0.1505781, 0.0808268, 0.02547901, 0.2608942, 0.2018274, -0.0860072, 0.02647375, -0.3840441, -0.1491713, 0,
  0, 0.1800674, 0.1763484, -0.1179695, 0.0007033775, -0.3469014, -0.1753537, 5.63823e-8, 3.068528e-8,
];

describe('STFTSpectrogram', () => {
  it(
    'gives Keras values in every mode (hann window, density scaling, valid padding)',
    onBothBackends(async () => {
      for (const [mode, expected] of Object.entries(KERAS_MODES)) {
        const { shape, data } = await stftOf({ mode: mode as STFTSpectrogramArgs['mode'], frameLength: 8, frameStep: 4, fftLength: 8 }, signal(16), [1, 16, 1]);
        expect(shape).toEqual([1, 3, mode === 'stft' ? 10 : 5]);
        // log and angle amplify the float32 rounding of the near-zero Nyquist bin.
        expectClose(data, expected, { atol: mode === 'log' || mode === 'angle' ? 2e-4 : 2e-5, rtol: 1e-4 });
      }
    }),
  );

  it(
    'transforms each channel, with expandDims and without (periodic hamming, spectrum scaling, same padding)',
    onBothBackends(async () => {
      const args: STFTSpectrogramArgs = { mode: 'stft', frameLength: 6, frameStep: 3, fftLength: 8, window: 'hamming', periodic: true, scaling: 'spectrum', padding: 'same' };
      const expanded = await stftOf({ ...args, expandDims: true }, signal(20), [1, 10, 2]);
      expect(expanded.shape).toEqual([1, 4, 10, 2]);
      expectClose(expanded.data, KERAS_STEREO_EXPANDED, { atol: 2e-5 });
      const flat = await stftOf(args, signal(20), [1, 10, 2]);
      expect(flat.shape).toEqual([1, 4, 20]);
      // [frame, bin, channel] -> [frame, channel, bin]
      const regrouped = Array.from({ length: 80 }, (_, i) => KERAS_STEREO_EXPANDED[Math.floor(i / 20) * 20 + (i % 10) * 2 + (Math.floor(i / 10) % 2)]);
      expectClose(flat.data, regrouped, { atol: 2e-5 });
    }),
  );

  it(
    'reads channels first, without a window or scaling',
    onBothBackends(async () => {
      const args: STFTSpectrogramArgs = { frameLength: 4, frameStep: 2, fftLength: 4, window: null, scaling: null, dataFormat: 'channels_first' };
      // Keras 3.16: mode='psd' on signal(20) as (1, 2, 10), channels_first -> (1, 6, 4).
      const psd = await stftOf({ ...args, mode: 'psd' }, signal(20), [1, 2, 10]);
      expect(psd.shape).toEqual([1, 6, 4]);
      expectClose(psd.data, [4.673488, 0.7190684, 0.5334829, 3.920666, 8.149434, 7.108748, 4.778594, 8.223788, 0.2408723, 0.2565223, 0.02913767, 0.2710977, 1.874228, 0.8044876, 4.720881, 0.3881452, 5.015693, 5.227407, 5.82445, 12.04012, 0.01225756, 0.06581234, 0.006951538, 0.7596506]);
      // Keras 3.16: mode='real', expand_dims=True -> (1, 2, 4, 3).
      const real = await stftOf({ ...args, mode: 'real', expandDims: true }, signal(20), [1, 2, 10]);
      expect(real.shape).toEqual([1, 2, 4, 3]);
      expectClose(real.data, [2.161825, -0.3263064, 0.4907874, -0.847979, 1.823362, 0.5064803, -0.7303991, -1.543563, -0.1706976, -1.980067, 1.822713, 0.5206704, 1.369025, -0.110331, 0.1107139, 0.8969323, 0.5300036, -0.2565392, 2.172759, -1.337874, 0.08337589, -0.623013, 2.341659, 0.8715794]);
    }),
  );

  it(
    'takes a window as a list and SciPy window names, symmetric or periodic, and odd fftLength as Keras',
    onBothBackends(async () => {
      // Keras 3.16: mode='magnitude', frame_length=5, frame_step=2, fft_length=6, window=[0.1, 0.5, 1, 0.5, 0.2], padding='same' on signal(9).
      const custom = await stftOf({ mode: 'magnitude', frameLength: 5, frameStep: 2, fftLength: 6, window: [0.1, 0.5, 1.0, 0.5, 0.2], padding: 'same' }, signal(9), [1, 9, 1]);
      expect(custom.shape).toEqual([1, 5, 4]);
      expectClose(custom.data, [1.102139, 0.8668231, 0.3802446, 0.03343773, 0.8792478, 1.243094, 0.7607797, 0.2081428, 0.9186727, 1.030712, 0.7565914, 0.3747088, 0.04147442, 0.5428104, 0.6426718, 0.266256, 1.053821, 1.08363, 1.015726, 0.9085318]);
      // Keras 3.16: mode='real', frame_length=5, frame_step=5, fft_length=8, scaling=None on signal(9).
      const named: Array<[STFTSpectrogramArgs, number[]]> = [
        [{ window: 'blackman' }, [1.110383, 0.47892, -0.8263063, -0.47892, 0.5422299]],
        [{ window: 'bartlett' }, [1.244066, 0.7042941, -0.8263064, -0.7042941, 0.4085469]],
        [{ window: 'boxcar' }, [1.164769, 2.905644, -1.323362, 0.08846754, -0.5062683]],
        [{ window: 'hann', periodic: true }, [0.3683327, 1.059708, -1.091875, -0.3707594, 0.4375208]],
      ];
      for (const [args, expected] of named) {
        const { data } = await stftOf({ mode: 'real', frameLength: 5, frameStep: 5, fftLength: 8, scaling: null, ...args }, signal(9), [1, 9, 1]);
        expectClose(data, expected);
      }
      // Keras 3.16: mode='imag', frame_length=5, frame_step=3, fft_length=7 (kernels of period 2 * (7 // 2) = 6), scaling='spectrum'.
      const odd = await stftOf({ mode: 'imag', frameLength: 5, frameStep: 3, fftLength: 7, scaling: 'spectrum' }, signal(9), [1, 9, 1]);
      expect(odd.shape).toEqual([1, 2, 4]);
      expectClose(odd.data, [0, -0.6638939, 0.05170846, -4.478667e-8, 0, 0.2587228, 0.173015, -9.880872e-9]);
      // frameStep defaults to frameLength / 2: Keras's frame_length=8 alone gives mode 'real' above.
      expectClose((await stftOf({ mode: 'real', frameLength: 8 }, signal(16), [1, 16, 1])).data, KERAS_MODES.real, { atol: 2e-5 });
    }),
  );

  it('holds the DFT kernels as Keras weights, trainable unless the layer is not', () => {
    const layer = new STFTSpectrogram({ frameLength: 8, fftLength: 16 });
    layer.apply(Input({ shape: [32, 1] }));
    expect(layer.weights.map((w) => [w.name.split('/').at(-1), [...w.shape], w.trainable])).toEqual([
      ['real_kernel', [8, 1, 9], true],
      ['imag_kernel', [8, 1, 9], true],
    ]);
    const real = new STFTSpectrogram({ mode: 'real', frameLength: 8, trainable: false });
    real.apply(Input({ shape: [32, 1] }));
    expect(real.weights.map((w) => w.name.split('/').at(-1))).toEqual(['real_kernel']);
    expect(real.trainableWeights).toEqual([]);
    expect(new STFTSpectrogram({ mode: 'imag', frameLength: 8 }).apply(Input({ shape: [32, 1] })).shape).toEqual([null, 7, 5]);
  });

  it('computes output shapes as Keras', () => {
    // Keras 3.16: STFTSpectrogram().compute_output_shape((None, 1000, 2)) == (None, 6, 258).
    expect(new STFTSpectrogram().computeOutputShape([null, 1000, 2])).toEqual([null, 6, 258]);
    expect(new STFTSpectrogram({ frameLength: 256, frameStep: 128, fftLength: 512, padding: 'same', expandDims: true }).computeOutputShape([3, 160000, 3])).toEqual([3, 1250, 257, 3]);
    expect(new STFTSpectrogram({ mode: 'stft', frameLength: 4, dataFormat: 'channels_first' }).computeOutputShape([null, 2, null])).toEqual([null, 12, null]);
    expect(new STFTSpectrogram({ frameLength: 4, dataFormat: 'channels_first', expandDims: true }).apply(Input({ shape: [3, 10] })).shape).toEqual([null, 3, 4, 3]);
  });

  it('rebuilds itself from its config', () => {
    const layer = new STFTSpectrogram({ mode: 'psd', frameLength: 5, frameStep: 2, fftLength: 8, window: [1, 2, 3, 2, 1], periodic: true, scaling: null, padding: 'same', expandDims: true, dataFormat: 'channels_first' });
    const config = layer.getConfig();
    expect(config).toMatchObject({ mode: 'psd', frameLength: 5, frameStep: 2, fftLength: 8, window: [1, 2, 3, 2, 1], periodic: true, scaling: null, padding: 'same', expandDims: true, dataFormat: 'channels_first' });
    expect(new STFTSpectrogram(config).getConfig()).toEqual(config);
    // Keras 3.16 defaults: frame_step and fft_length stay None in the config.
    expect(new STFTSpectrogram().getConfig()).toMatchObject({ mode: 'log', frameLength: 256, frameStep: null, fftLength: null, window: 'hann', periodic: false, scaling: 'density', padding: 'valid', expandDims: false, dataFormat: 'channels_last' });
  });

  it('has the gradient of the magnitude with respect to the input and both kernels', async () => {
    const make = () => new STFTSpectrogram({ mode: 'magnitude', frameLength: 4, frameStep: 2, fftLength: 4 });
    expect(await layerGradCheck(make, [1, 8, 2], seededValues(16, 3))).toBe('ok');
  });

  it('checks its options and inputs before any GPU work', () => {
    expect(() => new STFTSpectrogram({ frameLength: 8, frameStep: 9, name: 'spec' })).toThrow("STFTSpectrogram 'spec': frameStep should be a positive integer not greater than frameLength. Received: frameStep=9, frameLength=8");
    expect(() => new STFTSpectrogram({ frameLength: 8, fftLength: 4 })).toThrow(/fftLength should be an integer not less than frameLength. Received: fftLength=4, frameLength=8/);
    expect(() => new STFTSpectrogram({ mode: 'power' as never })).toThrow(/invalid value for argument mode. Expected one of 'log', 'magnitude', 'psd', 'real', 'imag', 'angle', 'stft'. Received: mode="power"/);
    expect(() => new STFTSpectrogram({ scaling: 'l2' as never })).toThrow(/argument scaling. Expected one of 'density', 'spectrum', null/);
    expect(() => new STFTSpectrogram({ padding: 'causal' as never })).toThrow(/argument padding/);
    expect(() => new STFTSpectrogram({ window: 'kaiser' as never })).toThrow(/window must be one of 'hann', 'hamming', 'blackman', 'bartlett', 'boxcar', a list of 256 numbers, or null. Received: window='kaiser'/);
    expect(() => new STFTSpectrogram({ frameLength: 4, window: [1, 2, 3] })).toThrow(/a window list must hold 4 values \(one per frame sample\). Received: 3 values/);
    expect(() => new STFTSpectrogram({ frameLength: 0 })).toThrow(/frameLength must be a positive integer/);
    expect(() => new STFTSpectrogram({ frameLength: 4 }).apply(tensor([1, 2, 3, 4, 5, 6], [1, 6]))).toThrow(/expected ndim=3, found ndim=2/);
    expect(() => new STFTSpectrogram({ frameLength: 4 }).apply(tensor([1, 2, 3, 4, 5, 6], [1, 6, 1], 'int32'))).toThrow(/expected float32 inputs. Received: dtype=int32/);
    expect(() => new STFTSpectrogram({ frameLength: 8, name: 'short' }).apply(tensor([1, 2, 3, 4, 5], [1, 5, 1]))).toThrow(
      "STFTSpectrogram 'short': with padding 'valid' the signal needs at least frameLength=8 samples. Received: input_shape=(1, 5, 1)",
    );
  });

  it('leaves no tensors behind', () => {
    const layer = new STFTSpectrogram({ mode: 'log', frameLength: 4 });
    const x = tensor(signal(12), [1, 12, 1]);
    tidy(() => {
      layer.apply(x);
    });
    const live = memory().liveTensors;
    tidy(() => {
      layer.apply(x);
    });
    expect(memory().liveTensors).toBe(live);
  });
});

// float32 sums of products over a frame (ops.stft's matmul) against Keras's float64-accumulated ones.
const STFT_TOLERANCE = { atol: 1e-5, rtol: 2e-5 };
const DECIBEL_TOLERANCE = { atol: 1e-4, rtol: 1e-5 };

describe('MelSpectrogram', () => {
  it(
    'gives Keras values: batched decibels floored at topDb below the batch maximum',
    onBothBackends(async () => {
      // Keras 3.16: MelSpectrogram(fft_length=16, sequence_stride=8, sequence_length=12, sampling_rate=8000,
      // num_mel_bins=4, min_freq=100.0, top_db=5.0) on signal(64) as (2, 32).
      const y = new MelSpectrogram({ fftLength: 16, sequenceStride: 8, sequenceLength: 12, samplingRate: 8000, numMelBins: 4, minFreq: 100, topDb: 5 }).apply(tensor(signal(64), [2, 32]));
      expect(y.shape).toEqual([2, 4, 5]);
      expectClose(await y.data(), [
        10.44018, 6.307922, 6.307922, 6.307922, 8.106503, 10.59053, 8.044223, 8.860128, 9.178255, 7.912678, 6.307922, 10.9541, 11.20822, 11.30792, 6.307922, 7.273814, 6.307922, 6.307922, 6.307922, 6.307922,
        8.608603, 6.307922, 6.307922, 6.307922, 9.828913, 8.871312, 8.13827, 6.844128, 6.307922, 9.605118, 6.626767, 10.97656, 10.61493, 10.18956, 6.819937, 6.307922, 6.307922, 6.307922, 6.307922, 7.91881,
      ], DECIBEL_TOLERANCE);
    }),
  );

  it(
    'gives Keras values unbatched, with other windows, exponents and references',
    onBothBackends(async () => {
      const x = tensor(signal(30, 0.9, 2.1));
      const base = { fftLength: 16, sequenceStride: 5, samplingRate: 16000, numMelBins: 3 };
      // Keras 3.16: min_freq=0.0, max_freq=6000.0, window='hamming', power_to_db=False, mag_exp=1.0.
      const magnitude = new MelSpectrogram({ ...base, minFreq: 0, maxFreq: 6000, window: 'hamming', powerToDb: false, magExp: 1 }).apply(x);
      expect(magnitude.shape).toEqual([3, 7]);
      expectClose(await magnitude.data(), [1.404463, 0.6741508, 0.4082948, 0.4256957, 0.407995, 0.6402651, 0.6275567, 3.00241, 3.30602, 3.149621, 3.153542, 3.151101, 3.050346, 2.317572, 3.862648, 5.288803, 5.17271, 5.199113, 5.20243, 5.34446, 4.339001], STFT_TOLERANCE);
      // Keras 3.16: window=None, ref_power=2.0, min_power=1e-3, top_db=80.0, mag_exp=1.5.
      const db = new MelSpectrogram({ ...base, window: null, refPower: 2, minPower: 1e-3, topDb: 80, magExp: 1.5 }).apply(x);
      expectClose(await db.data(), [4.624857, 1.812384, -2.123701, -4.65976, -1.815425, -0.05957413, 4.431107, 8.030704, 8.443222, 9.618683, 9.296322, 9.672176, 8.011499, 8.184177, 7.740574, 8.525568, 8.549253, 8.884155, 8.495722, 8.632671, 7.803456], DECIBEL_TOLERANCE);
      // Keras 3.16: fft_length=8, sequence_stride=4, sampling_rate=1000, num_mel_bins=2, min_freq=50.0,
      // window=[0.2, 0.6, 1, 1, 0.6, 0.2], sequence_length=6, power_to_db=False on signal(12) as (1, 12).
      const custom = new MelSpectrogram({ fftLength: 8, sequenceStride: 4, samplingRate: 1000, numMelBins: 2, minFreq: 50, window: [0.2, 0.6, 1, 1, 0.6, 0.2], sequenceLength: 6, powerToDb: false }).apply(tensor(signal(12), [1, 12]));
      expect(custom.shape).toEqual([1, 2, 4]);
      expectClose(await custom.data(), [3.391152, 3.257637, 3.749091, 3.760631, 1.229189, 1.932391, 1.885734, 2.334674], STFT_TOLERANCE);
    }),
  );

  it(
    'builds the HTK mel filterbank as Keras',
    onBothBackends(async () => {
      // Keras 3.16: linear_to_mel_weight_matrix(num_mel_bins=3, num_spectrogram_bins=9, sampling_rate=8000, lower_edge_hertz=100.0, upper_edge_hertz=3000.0).
      const matrix = new MelSpectrogram().linearToMelWeightMatrix(3, 9, 8000, 100, 3000);
      expect(matrix.shape).toEqual([9, 3]);
      expectClose(await matrix.data(), [0, 0, 0, 0.9409824, 0.05901758, 0, 0.03125444, 0.9687456, 0, 0, 0.3578412, 0.6421588, 0, 0, 0.822947, 0, 0, 0.3791951, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    }),
  );

  it('computes output shapes, keeps no weights, and rebuilds itself from its config', () => {
    const layer = new MelSpectrogram({ fftLength: 16, sequenceStride: 8, sequenceLength: 12, samplingRate: 8000, numMelBins: 4, minFreq: 100, topDb: 5 });
    expect(layer.computeOutputShape([2, 32])).toEqual([2, 4, 5]);
    expect(layer.computeOutputShape([30])).toEqual([4, 4]);
    // Frames are counted exactly: 31 samples make 4 frames (Keras's compute_output_shape says 5, its call gives 4).
    expect(layer.apply(Input({ shape: [31] })).shape).toEqual([null, 4, 4]);
    expect(layer.weights).toEqual([]);
    const config = layer.getConfig();
    expect(new MelSpectrogram(config).getConfig()).toEqual(config);
    // Keras 3.16's config of MelSpectrogram(): sequence_length and max_freq resolved.
    expect(new MelSpectrogram().getConfig()).toMatchObject({
      fftLength: 2048, sequenceStride: 512, sequenceLength: 2048, window: 'hann', samplingRate: 16000, numMelBins: 128, minFreq: 20, maxFreq: 8000, powerToDb: true, topDb: 80, magExp: 2, minPower: 1e-10, refPower: 1,
    });
  });

  it('has the gradient of the mel power spectrum', async () => {
    const make = () => new MelSpectrogram({ fftLength: 8, sequenceStride: 4, samplingRate: 1000, numMelBins: 3, minFreq: 0, powerToDb: false });
    expect(await layerGradCheck(make, [2, 10], seededValues(20, 5))).toBe('ok');
  });

  it('checks its options and inputs before any GPU work', () => {
    expect(() => new MelSpectrogram({ fftLength: 8, sequenceLength: 16, name: 'mel' })).toThrow("MelSpectrogram 'mel': fftLength must be greater than or equal to sequenceLength. Received: sequenceLength=16, fftLength=8");
    expect(() => new MelSpectrogram({ window: 'blackman' as never })).toThrow(/window must be one of 'hann', 'hamming', a list of 2048 numbers, or null/);
    expect(() => new MelSpectrogram({ minFreq: 5000, samplingRate: 8000 })).toThrow(/maxFreq must be greater than minFreq. Received: minFreq=5000, maxFreq=4000/);
    expect(() => new MelSpectrogram({ numMelBins: 0 })).toThrow(/numMelBins must be a positive integer/);
    expect(() => new MelSpectrogram({ topDb: -1 })).toThrow(/topDb must be non-negative/);
    expect(() => new MelSpectrogram({ fftLength: 8 }).apply(tensor(signal(24), [2, 3, 4]))).toThrow(/expected audio of shape \[samples\] or \[batch, samples\]. Received: input_shape=\(2, 3, 4\)/);
  });

  it('leaves no tensors behind', () => {
    const layer = new MelSpectrogram({ fftLength: 8, sequenceStride: 4, samplingRate: 1000, numMelBins: 2 });
    const x = tensor(signal(16));
    tidy(() => {
      layer.apply(x);
    });
    const live = memory().liveTensors;
    tidy(() => {
      layer.apply(x);
    });
    expect(memory().liveTensors).toBe(live);
  });
});

describe('Keras files', () => {
  // spectrogram.keras (make_spectrogram.py): an STFTSpectrogram, whose DFT kernels Keras saves as weights, and a MelSpectrogram.
  const FILE = new Uint8Array(readFileSync('test/fixtures/keras/keras_written/spectrogram.keras'));
  const { outputs } = JSON.parse(readFileSync('test/fixtures/keras/keras_written/spectrogram.json', 'utf8')) as { outputs: number[][][][] };

  it('a model Keras 3.16 wrote loads, predicts what Keras predicted, and saves back the same', onBothBackends(async () => {
    const model = await loadKerasModel(FILE);
    const x = tensor(Array.from({ length: 128 }, (_, i) => Math.sin(0.7 * i + 0.3)), [2, 64]);
    for (const candidate of [model, await loadKerasModel(await saveKerasModel(model))]) {
      const [stft, mel] = (await candidate.predict(x)) as Tensor[];
      expectClose(await stft.data(), outputs[0].flat(2), STFT_TOLERANCE);
      expectClose(await mel.data(), outputs[1].flat(2), DECIBEL_TOLERANCE);
    }
  }));
});
