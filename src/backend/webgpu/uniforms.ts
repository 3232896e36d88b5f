// Builds the bytes of a kernel's uniform block (binding 0), field by field, in WGSL layout order.
// A kernel writes its fields in the order of its WGSL `Params` struct; `align(16)` before a
// vec4 array mirrors WGSL's alignment rule for such members.

export class Uniforms {
  private readonly view: DataView;
  private offset = 0;

  constructor(private readonly bytes = new ArrayBuffer(512)) {
    this.view = new DataView(bytes);
  }

  u32(...values: number[]): this {
    for (const v of values) this.view.setUint32(this.take(), v >>> 0, true);
    return this;
  }

  i32(...values: number[]): this {
    for (const v of values) this.view.setInt32(this.take(), v | 0, true);
    return this;
  }

  f32(...values: number[]): this {
    for (const v of values) this.view.setFloat32(this.take(), v, true);
    return this;
  }

  /** A WGSL `array<vec4<u32>, length / 4>` holding `values` padded with zeros. */
  u32Array(values: readonly number[], length: number): this {
    this.align(16);
    for (let i = 0; i < length; i++) this.u32(values[i] ?? 0);
    return this;
  }

  /** A WGSL `array<vec4<i32>, length / 4>` holding `values` padded with zeros. */
  i32Array(values: readonly number[], length: number): this {
    this.align(16);
    for (let i = 0; i < length; i++) this.i32(values[i] ?? 0);
    return this;
  }

  align(bytes: number): this {
    this.offset = Math.ceil(this.offset / bytes) * bytes;
    return this;
  }

  /** The filled bytes, padded to 16 (uniform blocks are 16-byte multiples). */
  finish(): Uint8Array {
    this.align(16);
    return new Uint8Array(this.bytes, 0, Math.max(this.offset, 16));
  }

  private take(): number {
    const at = this.offset;
    this.offset += 4;
    if (this.offset > this.bytes.byteLength) throw new Error('Uniforms: block larger than 512 bytes');
    return at;
  }
}
