// keras.utils.array_to_img's bytes: scaled to 0..255 in float32 steps and truncated, as Keras's
// cast to uint8 (reference bytes from NumPy: (x - x.min()) / max * 255, then .astype('uint8')).

import { describe, expect, it } from 'vitest';
import { tensor, utils } from '../../src/node';

/** The R, G and B bytes of each RGBA pixel. */
function rgbOf(data: Uint8ClampedArray): number[] {
  return Array.from(data).filter((_, i) => i % 4 !== 3);
}

describe('arrayToImg', () => {
  it("gives NumPy's bytes for an RGB image (truncated: 87.9 gives 87)", async () => {
    const pixels = [
      [[1.1702200174331665, 4.203245162963867, -2.99885630607605], [0.02332572638988495, -1.5324411392211914, -2.0766141414642334], [-1.1373978853225708, 0.45560726523399353, 0.967674732208252]],
      [[2.388167381286621, 1.191945195198059, 3.8521950244903564], [-0.9554774761199951, 5.781174182891846, -2.7261240482330322], [3.7046751976013184, 1.1730480194091797, 2.5868983268737793]],
    ];
    const image = await utils.arrayToImg(tensor(pixels));
    expect([image.width, image.height]).toEqual([3, 2]);
    expect(rgbOf(image.data)).toEqual([121, 209, 0, 87, 42, 26, 54, 100, 115, 156, 121, 198, 59, 255, 7, 194, 121, 162]);
  });

  it('without scaling truncates RGBA values and clips those outside 0..255', async () => {
    const image = await utils.arrayToImg(tensor([[[10.7, 20.2, 254.9, 128.5], [-4, 300, 0.5, 255]]]), { scale: false });
    expect(Array.from(image.data)).toEqual([10, 20, 254, 128, 0, 255, 0, 255]);
  });
});
