// Scalar references of the special functions behind element-wise ops (erfc, erfinv, sinc, i0,
// i1, the regularized incomplete gamma function, nextafter in float32, the integer gcd and lcm and
// shifts), in float64 for the CPU kernels of src/ops/elementwise.ts. The WGSL kernels
// (shaders/unary.wgsl, shaders/binary.wgsl) use the same methods in f32. Not ops: the library's
// `ops` namespace does not export this module.

/** erfc(v) = 1 - erf(v), with relative error below 1.2e-7 everywhere (a Chebyshev fit of exp(-v^2) erfc(v)). */
export function erfcReference(v: number): number {
  const a = Math.abs(v);
  const t = 1 / (1 + 0.5 * a);
  const poly =
    -a * a - 1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return v < 0 ? 2 - r : r;
}

/**
 * The inverse error function: ±Infinity at ±1, NaN outside [-1, 1]. Giles's single-precision
 * polynomials in w = -log(1 - v^2) (relative error about 4e-7).
 */
export function erfinvReference(v: number): number {
  if (!(Math.abs(v) <= 1)) return NaN;
  if (Math.abs(v) === 1) return v * Infinity;
  let w = -Math.log((1 - v) * (1 + v));
  let p: number;
  if (w < 5) {
    w -= 2.5;
    p = 2.81022636e-8;
    for (const c of [3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941]) p = c + p * w;
  } else {
    w = Math.sqrt(w) - 3;
    p = -0.000200214257;
    for (const c of [0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682]) p = c + p * w;
  }
  return p * v;
}

/** sin(pi v) / (pi v), 1 at 0; the sine's argument reduced to [-pi, pi] as the WGSL kernel does. */
export function sincReference(v: number): number {
  if (v === 0) return 1;
  const reduced = v - 2 * Math.round(v / 2);
  return Math.sin(Math.PI * reduced) / (Math.PI * v);
}

/**
 * sinc's derivative (cos(pi v) - sinc(v)) / v; for |pi v| <= 1, where that difference cancels,
 * the series of d/dv sin(u) / u, u = pi v.
 */
export function sincDerivativeReference(v: number): number {
  const u = Math.PI * v;
  if (Math.abs(u) > 1) return (Math.cos(u) - sincReference(v)) / v;
  let term = -u / 3;
  let sum = term;
  for (let k = 2; k <= 8; k++) {
    term *= -(u * u) / ((2 * k - 2) * (2 * k + 1));
    sum += term;
  }
  return Math.PI * sum;
}

/** Horner evaluation of the polynomial with `coefficients` (lowest degree first) at t. */
function polynomial(coefficients: readonly number[], t: number): number {
  let sum = 0;
  for (let k = coefficients.length - 1; k >= 0; k--) sum = sum * t + coefficients[k];
  return sum;
}

// Abramowitz & Stegun 9.8.1-9.8.4: relative error below 2e-7.
const I0_SMALL = [1, 3.5156229, 3.0899424, 1.2067492, 0.2659732, 0.0360768, 0.0045813];
const I0_LARGE = [0.39894228, 0.01328592, 0.00225319, -0.00157565, 0.00916281, -0.02057706, 0.02635537, -0.01647633, 0.00392377];
const I1_SMALL = [0.5, 0.87890594, 0.51498869, 0.15084934, 0.02658733, 0.00301532, 0.00032411];
const I1_LARGE = [0.39894228, -0.03988024, -0.00362018, 0.00163801, -0.01031555, 0.02282967, -0.02895312, 0.01787654, -0.00420059];

/** The modified Bessel function of the first kind, order 0. */
export function besselI0Reference(v: number): number {
  const a = Math.abs(v);
  if (a <= 3.75) return polynomial(I0_SMALL, (a / 3.75) ** 2);
  return (Math.exp(a) / Math.sqrt(a)) * polynomial(I0_LARGE, 3.75 / a);
}

/** The modified Bessel function of the first kind, order 1 (i0's derivative); odd. */
export function besselI1Reference(v: number): number {
  const a = Math.abs(v);
  const r = a <= 3.75 ? a * polynomial(I1_SMALL, (a / 3.75) ** 2) : (Math.exp(a) / Math.sqrt(a)) * polynomial(I1_LARGE, 3.75 / a);
  return v < 0 ? -r : r;
}

// Lanczos's approximation of the gamma function (g = 5, six terms), relative error below 2e-10.
const LANCZOS = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];

/** log Γ(a) for a > 0. */
export function logGammaReference(a: number): number {
  let series = 1.000000000190015;
  for (let k = 0; k < LANCZOS.length; k++) series += LANCZOS[k] / (a + k + 1);
  const base = a + 5.5;
  return (a + 0.5) * Math.log(base) - base + Math.log((2.5066282746310005 * series) / a);
}

const GAMMA_ITERATIONS = 1000;
const GAMMA_TOLERANCE = 1e-15;

/**
 * The regularized lower incomplete gamma function P(a, x) = γ(a, x) / Γ(a), as scipy's gammainc:
 * NaN for a < 0, x < 0 or a = x = 0; 1 for a = 0 < x. A power series below x = a + 1 and
 * Lentz's continued fraction for Q = 1 - P above, where each converges fast.
 */
export function gammaincReference(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || a < 0 || x < 0 || (a === 0 && x === 0)) return NaN;
  if (a === 0 || x === Infinity) return 1;
  if (x === 0) return 0;
  const logPrefactor = a * Math.log(x) - x - logGammaReference(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < GAMMA_ITERATIONS && Math.abs(term) > Math.abs(sum) * GAMMA_TOLERANCE; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return sum * Math.exp(logPrefactor);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let fraction = d;
  for (let i = 1; i < GAMMA_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    fraction *= step;
    if (Math.abs(step - 1) < GAMMA_TOLERANCE) break;
  }
  return 1 - Math.exp(logPrefactor) * fraction;
}

/** dP(a, x)/dx = x^(a-1) e^(-x) / Γ(a), the gamma density; NaN for x < 0. */
export function gammaDensityReference(a: number, x: number): number {
  if (Number.isNaN(a) || Number.isNaN(x) || x < 0 || a < 0) return NaN;
  if (x === 0) return a === 1 ? 1 : a < 1 ? Infinity : 0;
  return Math.exp((a - 1) * Math.log(x) - x - logGammaReference(a));
}

const float32Word = new Float32Array(1);
const uint32Word = new Uint32Array(float32Word.buffer);

/** The float32 next to x in the direction of y (NumPy's nextafter in float32); y itself when equal. */
export function nextafterFloat32Reference(x: number, y: number): number {
  const [from, toward] = [Math.fround(x), Math.fround(y)];
  if (Number.isNaN(from) || Number.isNaN(toward)) return NaN;
  if (from === toward) return toward;
  if (from === 0) {
    uint32Word[0] = toward > 0 ? 1 : 0x80000001;
    return float32Word[0];
  }
  float32Word[0] = from;
  uint32Word[0] += (from < toward) === (from > 0) ? 1 : -1;
  return float32Word[0];
}

/** C's fmod of int32 values: the sign of the dividend; 0 for a divisor of 0, as NumPy. */
export function fmodInt(a: number, b: number): number {
  return b === 0 ? 0 : a % b;
}

/** The greatest common divisor of int32 values, non-negative (|-2^31| wraps to -2^31, as NumPy). */
export function gcdInt(a: number, b: number): number {
  let [x, y] = [Math.abs(a), Math.abs(b)];
  while (y !== 0) [x, y] = [y, x % y];
  return x | 0;
}

/** The least common multiple of int32 values, wrapping on overflow as NumPy's int32 arithmetic; 0 if either is 0. */
export function lcmInt(a: number, b: number): number {
  const divisor = gcdInt(a, b);
  if (divisor === 0) return 0;
  return Math.imul(Math.abs(a) / (divisor >>> 0), Math.abs(b));
}

/** a << s in int32; 0 for a shift outside [0, 31], as NumPy. */
export function leftShiftInt(a: number, s: number): number {
  return s < 0 || s > 31 ? 0 : a << s;
}

/** a >> s in int32 (arithmetic); a shift outside [0, 31] leaves the sign (0 or -1), as NumPy. */
export function rightShiftInt(a: number, s: number): number {
  return a >> (s < 0 || s > 31 ? 31 : s);
}
