/** Reads tensors from a safetensors file (8-byte header length, JSON header, raw little-endian data). */

type TensorEntry = { dtype: string; shape: number[]; data_offsets: [number, number] };

export type Tensor = { shape: number[]; data: Float32Array };

function float16ToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

export class SafetensorsFile {
  private readonly header: Record<string, TensorEntry>;
  private readonly dataStart: number;

  constructor(private readonly bytes: Buffer) {
    const headerLength = Number(bytes.readBigUInt64LE(0));
    const parsed = JSON.parse(bytes.subarray(8, 8 + headerLength).toString('utf8')) as Record<
      string,
      unknown
    >;
    delete parsed.__metadata__;
    this.header = parsed as Record<string, TensorEntry>;
    this.dataStart = 8 + headerLength;
  }

  names(): string[] {
    return Object.keys(this.header);
  }

  /** Returns the tensor as float32, converting from F16 or F32. */
  float32(name: string): Tensor {
    const entry = this.header[name];
    if (!entry) throw new Error(`tensor ${name} is missing from the weights`);
    const [start, end] = entry.data_offsets;
    const raw = this.bytes.subarray(this.dataStart + start, this.dataStart + end);
    const count = entry.shape.reduce((a, b) => a * b, 1);
    const data = new Float32Array(count);
    if (entry.dtype === 'F16') {
      for (let i = 0; i < count; i++) data[i] = float16ToFloat32(raw.readUInt16LE(i * 2));
    } else if (entry.dtype === 'F32') {
      for (let i = 0; i < count; i++) data[i] = raw.readFloatLE(i * 4);
    } else {
      throw new Error(`tensor ${name} has dtype ${entry.dtype}; expected F16 or F32`);
    }
    return { shape: entry.shape, data };
  }
}
