// The host hashes of src/ops/fingerprint.ts against independent vectors: FarmHash's own self-test
// (farmhash.cc, namespace farmhashnaTest: the Hash64 values of its `expected` array for slices of
// a generated 1 MiB buffer), the 64 SipHash-2-4 vectors of the SipHash paper (key 00..0f, messages
// 00, 00 01, ...), and the bins printed by Keras's docstrings and tests (hashing.py,
// hashing_test.py, hashed_crossing.py), which come from TensorFlow's ops. CPU only: no tensors.

import { describe, expect, it } from 'vitest';
import { crossBucket, fingerprint64, fingerprintCat64, CROSS_HASH_KEY, hashBucket, saltKey, sipHash64, tokenBytes } from '../../src/ops/fingerprint';

/** farmhashna::Hash64 of each test slice, in the order farmhashnaTest::RunTest checks them (every third pair of its `expected` words). */
const FARMHASH_EXPECTED = [
  '9ae16a3b2f90404f 541150e87f415e96 0f3786a4b25827c1 ef923a7a1af78eab 11df592596f41d88',
  '831f448bdc5600b3 3eca803e70304894 1b5a063fb4c7f9f1 a0f10149a0e538d6 fb8d9c70660b910b',
  '236827beae282a46 c385e435136ecf7c e3f6828b6017086d 851fff285561dca0 61152a63595a96d9',
  '44473e03be306c88 03ead5f21d344056 6abbfde37ee03b5b 0943e7ed63b3c080 d72ce05171ef8a1a',
  '4182832b52d63735 d6cdae892584a2cb 5c8e90bc267c5ee4 bbd7f30ac310a6f3 36a097aa49519d97',
  '0dc78cb032c49217 441593e0da922dfe 2ba3883d71cc2133 f2b6d2adf8423600 38fffe7f3680d63c',
  'b7477bf0b9ce37c6 55bdb0e71e3edebd 0782fa1b08b475e7 09deb3da5e16b5b8 0ee347d647f95396',
  '02ccf9db44ffcadc d76f044822fad20b 4565c9a1f6cf7563 de0ec95b0dd50728 1e916689df731452',
  '01596fbb269fb44e 3d0cc12df012fdc6 18871267759f9e9e cf1fd8413d56223a 2324170a136a5d06',
  '0f5a57eadc6c581d 896893fc0b705345 c59c4e1a7f4fe221 01601bbbc1db4a56 2784c6a7cd48179e',
  '7e1714daf34531b9 52364482fbd72b69 da99dc3d65ec5ea5 a26c6862d8f398cf 9340980e344ed13a',
  'ed560843e0444b29 434da74b2ba4e026 c0a50b576285052c 84bf2c6955012dda 52a098bd016ec185',
  '5f4a05c2bb909857 2c1aa859228c620a e8a86180173c94bd a8edbff858475437 def74bf4c9f1bc1b',
  '3cceab392bc39b3f 9b97f76002f66a94 546d5de7a7d7751b 37da9fddb4f01efe dd3551cc9c9ab11e',
  'dabb0d9d0fb2a854 d47e7c1f46fcdf8a a3c3d1c8f623c250 875e2c13b2660e08 2f70bfc44293f142',
  '37df2a50500cd289 4587b6d460c6a7e8 a23934f5737eac9d 06d4e97f38e8852f 68b80257af01bc8f',
  '93ffa56c72e1911a 63b3f14a80122fe7 9d215fcb4fc187c3 4f94edba7c40f003 a3ba25f225f1fd77',
  '7bbd7dbb185c99dc 8930e3bea0728443 9bcfd4da75c02684 d25f7d5d58d4a1fb fe9e6f6e71de6b5a',
  'ded448f29841dad8 85628801a71635fe 7702ef00320a3339 d3463da3e9055e34 d9eb18e531eadb52',
  '1a1ccdba1ce27666 1262318f0fffe11e fcf0dc0da9df5e16 afbacd177d4af13b 677366425bbd9874',
  '05ad36f677825ce0 557388ca06f3e5e4 3488c3fe80b25222 14077c2e7841d062 384fa4dc64ff2808',
  '0f81ff041e23cacb dde4877c5a1136c1 41caf1407c857f51 93860b2842c21cda a967a32bf028cacb',
  'e6da7d91081d01ce 654b958a53a7cffe 6b9d5fac98b5ffd2 fe9f80a8b710e6b2 1b638d942dfd90d5',
  '0b0a6d75f06216c7 d16349711264a197 fd5405d898ed2c27 0251eff2e0bd17e6 b8c5b1d44acf10e6',
  '8cdf28220346651c 97173f7590fbe61b a3693d5d4c5949c0 4c5b2ceb42d743c5 7ecff84a2a815e39',
  '7da8621937411360 f672649174c36ae1 99096f55f2e75eb0 f4a9a248b462909d d4f7c858d78153b6',
  '5be83a9fb802c999 3321995895ed07e1 a77a9d501b6eaae6 74454dd17b5dee37 41f355151543772f',
  'da4f403068577213 3b237c5bc9b4077e 060130be1aebbc74 d99408e78e772416 7c80110a09cc95b8',
  'a3f9bcb8695ea709 cd1b9114c616cec1 a45476a60c5d19bd 9ddbccff8cb0dc04 533c6ba7521f04de',
  '558a6b37418dc38b c922fb4fd321fefc f348d9e714174892 266fa1e24de39868 4a114282f4ee38fa',
  'c9504fb06a97dc38 62dca9b1ad8a25c7 15e051deb7113a86 feb2d313e8654393 6ecde27579a058da',
  'f3095d4ad48818cc 0fdabb4c6f2311fe 370422e41d3e165d e47c9ee1c3ef66ec 9deb67341dcf3aac',
  'a785317e5d12e3cf c02b580ea55a3330 7d96716705bfdab6 49ab9d3ffc91fbe2 1081e8e8f46dd949',
  '197ae4cafd223bf7 6ecab227cf34a715 155722f995ab3a2f 5b8578c8213008f8 5800a84cada208d8',
  'b5e288e4f130595a 6b68f3f03b086b09 f192b850ae703a07 fe3a022b04e46731 1bae4d46f9cb1db7',
  '2bb8767b5e66e564 6fed858ce932d9ca 0085a8a5976826bd 785de4d7f17e4664 29c5e93963df0602',
  'ba96a19c1827a663 84903b30f2af686a 877259502fe5981d ef8f547ee4f85592 cc1b9b9f2e7539bc',
  'b63673f4883d092e 6a48bf603112a5b6 b4bb81fdf7f038fd cbe7b570beab5943 b32f6363f9fcd740',
  '69daeee766778578 28c657f61fab27a7 b91cf320c999a8a1 2e52ba77c133f42b 9deef859534c3406',
  'be5b865b306253c4 cad7bfde976e4252 2ec96e6b3842fe72 ed879fb271ea6dbb 1efdc709bda0b3a0',
  '40f32eb90e5caa01 b3ddcf97e4306889 125bfd33fe0ecf41 be0542cbf1796033 f2e2d6286459e2a9',
  '0c5326bd8821d4e9 8425a93914df07e5 000226b470bee2af 1936427e13b4efce 36c28690166f43b6',
  'cc1b5a91be020cde e5c7361072f2de62 b657b2d87db106ee 50145d8785ee996b 251aee6536aa2a42',
  'c4ae6490aab5af84 9e9bfc35779f33f3 49bf088acd94932c c3dad9832ede538a 4a31864fc27f7ddd',
  '3add60cebf1ba980 6ce7dea06a3651aa 93f4b06b421cae73 f9c9553043523ac7 60c8e04eca001811',
  '621d0e524565f58d 3afbc2bad828d5f3 5a693d7dd9ea397b dc7727b1bc10d1e7 49c168336e90d6fa',
  'eacaa55f345e81e8 914c2434bc938c11 49a130134ae4712f 70418de07c33d518 b6c46967a527c5f0',
  '23d5e96aedf9fddb 986925e835b0396e 0563048411e67e18 c1f2977b2052655f 4bec2a224880c794',
  '136969eed9b76a41 416bcddac2720631 dcccf3e91883604b ce44e3f9754730f4 35b5d7f99fe567ed',
  '2f829f48c3de0f66 84506f60d7f8287d b6770e806048add8 a10c94bef7174647 1ace8010a020d7ed',
  '499de2f3803fcdfb 7cada474463dca99 bf8e9bee9b0e773a eeb4ee690e3d215d 0b1673a38d1e3e7e',
  '74fbce74d2fe60f8 7fd20f1452dfbc03 d66e58c6be0bb6f5 c8ed9b3b7ab60e79 45b681723322c1da',
  '370653e1f282b7f3 e303a81022a4d335 7bd4badf32c2109c a68aa3a27cd5a3fa ba1ac8058cfdb3c1',
  '78a3316389d20f04 247bd40c5cb683a9 c5108b8165773fc1 45d166fb79c7c999 df3262333d4db4a9',
  '005d4d41c837dd5a 3d11bd2872e494f2 ca374e26504c25b9 7bae863efa81e690 29c8c794585501a8',
  '4f8fae11ab149012 3c345c932a87767d f3ba6d9fc095cd6c 922ec7bd5017c305 22fceef9724c5cb0',
  'd08d8a2a0eb43abf a916f7888a1e6b29 2e2c44354ca22282 17a9ec77665f6489 ad1e8f0ee811626c',
  '5d4abe0923d10d72 439cb274c0c66080 149903cb87963e0a 40536db57e881d60 4a143dceeda4cd43',
  'b6b24e56b9733b9f 3d04be29e04c183d 82f29a9d9d95d2fc fa6c1ed6fbba1f2b 1172c3eb54e402e1',
  'ae78bb983e7ba6ff 946f7a74f44805c0 eb5dead213fea974 2031c84bc57a1a9f cc79d4ba95da7979',
  '902d34061d0c9b0d 43b6d221b3111645 f4edef10db556f29 d23a1f4d446476b6 c537780b6fc3a700',
  'fb687f7817e37c58 098ecbed8fd618bd 6e771631bed6b1bd db5d1814fec5e834 436a00a70b9c1ffb',
  'cd0b9e228116aad2 b9283aba3478a00f 553997940f08b9ba d7fc9e2ce6a87ccf 9570d22d62e5b76a',
  'ba108e8ee785d862 9b94c379263d7fe1 139e088b074371ea 387e353d76c492eb b5d71307a4ed9c93',
  '25635f216bb32ec7 22cfe733f6eabdf4 c24bd5b02665493b b5fa553ba950da75 85cf1e78f1d848e8',
  '340f5b7791e4548f 4987ca0380f3d80f 95edf617b8cd85fc 1c08973b9ade51d4 32b4281dd7eaa585',
  'a5d0883f38405227 71565ae438045cf9 c264c50383da6de5 c7a19295a6b002c6 c9098cdae4a2f20c',
  'a4cd94704fc2e100 968a9827fa1d723a 888136b86aece8d5 5ca68e8c674ced20 40a732d5c0c1f5e2',
  '55284b90c2e6ca4a c77f596870d355b7 3fee66f3d37192c5 5ef86ac236cd271a eb9e167f344ca480',
  '0d5e1ac5adbebab1 ae1492904a9d2aae 16f569382632ac90 fe1b0348b544ecbe d0eb2b0ca8b71475',
  '743851a0b2c65cfc 6631244700f2e4a4 9b4fa5cac1ef9989 f785bc5b7cfdff86 7e7e32e03fbbff62',
  '27f86b342dd5aa61 16a43bae5cd6c6d8 209fd66b1728f0c5 591e9402f3fd441f 71f18bea3ec92b69',
  'dd8e83ed443749fe f853fb08a3c22903',
].flatMap((line) => line.split(' '));

/** SipHash-2-4 of the messages 00 01 .. (i - 1) under the key 00 01 .. 0f, as little-endian bytes. */
const SIPHASH_EXPECTED = [
  '310e0edd47db6f72 fd67dc93c539f874 5a4fa9d909806c0d 2d7efbd796666785',
  'b7877127e09427cf 8da699cd64557618 cee3fe586e46c9cb 37d1018bf50002ab',
  '6224939a79f5f593 b0e4a90bdf82009e f3b9dd94c5bb5d7a a7ad6b22462fb3f4',
  'fbe50e86bc8f1e75 903d84c02756ea14 eef27a8e90ca23f7 e545be4961ca29a1',
  'db9bc2577fcc2a3f 9447be2cf5e99a69 9cd38d96f0b3c14b bd6179a71dc96dbb',
  '98eea21af25cd6be c7673b2eb0cbf2d0 883ea3e395675393 c8ce5ccd8c030ca8',
  '94af49f6c650adb8 eab8858ade92e1bc f315bb5bb835d817 adcf6b0763612e2f',
  'a5c91da7acaa4dde 716595876650a2a6 28ef495c53a387ad 42c341d8fa92d832',
  'ce7cf2722f512771 e37859f94623f3a7 381205bb1ab0e012 ae97a10fd434e015',
  'b4a31508beff4d31 81396229f0907902 4d0cf49ee5d4dcca 5c73336a76d8bf9a',
  'd0a704536ba93e0e 925958fcd6420cad a915c29bc8067318 952b79f3bc0aa6d4',
  'f21df2e41d4535f9 87577519048f53a9 10a56cf5dfcd9adb eb75095ccd986cd0',
  '51a9cb9ecba312e6 96afadfc2ce666c7 72fe52975a4364ee 5a1645b276d592a1',
  'b274cb8ebf87870a 6f9bb4203de7b381 eaecb2a30b22a87f 9924a43cc1315724',
  'bd838d3aafbf8db7 0b1a2a3265d51aea 135079a3231ce660 932b2846e4d70666',
  'e1915f5cb1eca46c f325965ca16d629f 575ff28e60381be5 724506eb4c328a95',
].flatMap((line) => line.split(' '));

const MASK64 = (1n << 64n) - 1n;

/** farmhash.cc's Setup(): the test buffer, from two 64-bit words mixed with k0. */
function farmhashTestData(size: number): Uint8Array {
  const k0 = 0xc3a5c85c97cb3127n;
  const data = new Uint8Array(size);
  let a = 9n;
  let b = 777n;
  for (let i = 0; i < size; i++) {
    a = (a + b) & MASK64;
    b = (b + a) & MASK64;
    a = ((a ^ (a >> 41n)) * k0) & MASK64;
    b = (((b ^ (b >> 41n)) * k0) + BigInt(i)) & MASK64;
    data[i] = Number((b >> 37n) & 0xffn);
  }
  return data;
}

/** farmhashnaTest::RunTest's slices [offset, length]: i*i and i for i < 299, then lengths growing by a seventh, then the whole buffer. */
function farmhashTestSlices(size: number): Array<[number, number]> {
  const slices: Array<[number, number]> = [];
  let i = 0;
  for (; i < 299; i++) slices.push([i * i, i]);
  for (; i < size; i += Math.floor(i / 7)) slices.push([0, i]);
  slices.push([0, size]);
  return slices;
}

const hex64 = (value: bigint) => value.toString(16).padStart(16, '0');
const littleEndianHex = (value: bigint) => Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(8 * i)) & 0xffn).toString(16).padStart(2, '0')).join('');
const utf8 = (text: string) => new TextEncoder().encode(text);

describe('fingerprint64 (FarmHash Fingerprint64)', () => {
  it('matches farmhash.cc self-test values for every length path (0 to 16, 17 to 32, 33 to 64, longer, up to 1 MiB)', () => {
    const size = 1 << 20;
    const data = farmhashTestData(size);
    const slices = farmhashTestSlices(size);
    expect(slices.length).toBe(FARMHASH_EXPECTED.length);
    const actual = slices.map(([offset, length]) => hex64(fingerprint64(data.subarray(offset, offset + length))));
    expect(actual).toEqual(FARMHASH_EXPECTED);
  });

  it("gives Keras's Hashing bins (tf.strings.to_hash_bucket_fast)", () => {
    // hashing.py docstring: Hashing(num_bins=3) of A..E.
    expect(['A', 'B', 'C', 'D', 'E'].map((token) => hashBucket(token, 3))).toEqual([1, 0, 1, 1, 2]);
    // hashing_test.py: test_hash_dense_input_farmhash, test_hash_dense_int_input_farmhash, test_hash_list_input.
    expect(['omar', 'stringer', 'marlo', 'wire', 'skywalker'].map((token) => hashBucket(token, 2))).toEqual([0, 0, 1, 0, 0]);
    expect([0, 1, 2, 3, 4].map((token) => hashBucket(token, 3))).toEqual([1, 0, 1, 0, 2]);
    expect([1, 2, 3, 4].map((token) => hashBucket(token, 2))).toEqual([1, 1, 1, 1]);
    // string_lookup.py docstring: two OOV buckets, 'm' -> 0 and 'z' -> 1; integer_lookup.py's oov_method="farmhash" example.
    expect(['m', 'z'].map((token) => hashBucket(token, 2))).toEqual([0, 1]);
    expect([100, 300, 700, 1100, 1700, 2000].map((token) => hashBucket(token, 4))).toEqual([3, 3, 2, 2, 0, 1]);
  });
});

describe('sipHash64 (SipHash-2-4)', () => {
  it('matches the 64 reference vectors of the SipHash paper', () => {
    const key: [bigint, bigint] = [0x0706050403020100n, 0x0f0e0d0c0b0a0908n];
    const actual = SIPHASH_EXPECTED.map((_, length) => littleEndianHex(sipHash64(key, Uint8Array.from({ length }, (_, i) => i))));
    expect(actual).toEqual(SIPHASH_EXPECTED);
  });

  it("gives Keras's salted Hashing bins (tf.strings.to_hash_bucket_strong)", () => {
    // hashing.py docstring: salt=[133, 137], and salt=133 meaning [133, 133].
    expect(['A', 'B', 'C', 'D', 'E'].map((token) => hashBucket(token, 3, [133, 137]))).toEqual([1, 2, 1, 0, 2]);
    expect(['A', 'B', 'C', 'D', 'E'].map((token) => hashBucket(token, 3, saltKey('Hashing', 133)))).toEqual([0, 0, 2, 1, 0]);
    // hashing_test.py: test_hash_dense_input_siphash, test_hash_dense_int_input_siphash.
    const words = ['omar', 'stringer', 'marlo', 'wire', 'skywalker'];
    expect(words.map((token) => hashBucket(token, 2, [133, 137]))).toEqual([0, 1, 0, 1, 0]);
    expect(words.map((token) => hashBucket(token, 2, [211, 137]))).toEqual([1, 0, 1, 0, 1]);
    expect([0, 1, 2, 3, 4].map((token) => hashBucket(token, 3, [133, 137]))).toEqual([1, 1, 2, 0, 1]);
  });
});

describe('crossBucket (tf.sparse.cross_hashed)', () => {
  it("chains FingerprintCat64 from the default key: Keras's HashedCrossing docstring", () => {
    const feat1 = ['A', 'B', 'A', 'B', 'A'];
    const feat2 = [101, 101, 101, 102, 102];
    expect(feat1.map((a, i) => crossBucket([a, feat2[i]], 5))).toEqual([1, 4, 1, 1, 3]);
    // A string's hash is its Fingerprint64, an integer's its own value (negative ones as two's complement).
    const chained = fingerprintCat64(fingerprintCat64(CROSS_HASH_KEY, fingerprint64(utf8('A'))), BigInt.asUintN(64, -3n));
    expect(crossBucket(['A', -3], 1000003)).toBe(Number(chained % 1000003n));
  });
});

describe('tokenBytes and saltKey', () => {
  it("hashes an integer's decimal text (tf.as_string), a float truncated first, and a string's UTF-8 bytes", () => {
    expect(Array.from(tokenBytes(-42))).toEqual([45, 52, 50]);
    expect(tokenBytes(7.9)).toEqual(tokenBytes(7));
    expect(tokenBytes(-7.9)).toEqual(tokenBytes(-7));
    expect(Array.from(tokenBytes('é'))).toEqual([0xc3, 0xa9]);
    expect(new TextDecoder().decode(tokenBytes(1e21))).toBe('1000000000000000000000');
  });

  it("reads Keras's salt: an integer means [s, s], a pair stays, anything else is an error", () => {
    expect(saltKey('Hashing', null)).toBeNull();
    expect(saltKey('Hashing', 5)).toEqual([5, 5]);
    expect(saltKey('Hashing', [1, 2])).toEqual([1, 2]);
    for (const bad of ['string', [1], [133, 137, 177], 1.5]) {
      expect(() => saltKey('Hashing', bad)).toThrow('The `salt` argument for `Hashing` can only be a tuple of size 2 integers, or a single integer.');
    }
  });
});
