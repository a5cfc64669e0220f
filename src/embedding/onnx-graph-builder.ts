import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
type DataType = onnxProto.onnx.TensorProto.DataType;
const DataType = onnx.TensorProto.DataType;
const AttributeType = onnx.AttributeProto.AttributeType;

export type AttributeValue = number | number[] | { float: number };

/** A tensor of weights, kept as the typed array it will be written from. */
export type Initializer = Float32Array | Int8Array | BigInt64Array;

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  if (Array.isArray(value)) return { name, type: AttributeType.INTS, ints: value };
  if (typeof value === 'number') return { name, type: AttributeType.INT, i: value };
  return { name, type: AttributeType.FLOAT, f: value.float };
}

function dataTypeOf(data: Initializer): DataType {
  if (data instanceof Float32Array) return DataType.FLOAT;
  if (data instanceof Int8Array) return DataType.INT8;
  return DataType.INT64;
}

/** Builds an ONNX graph node by node; names of intermediate values are generated. */
export class OnnxGraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private counter = 0;

  constructor(readonly opset: number) {}

  constant(name: string, dims: number[], data: Initializer): string {
    this.initializers.push({
      name,
      dims,
      dataType: dataTypeOf(data),
      rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
    });
    return name;
  }

  scalarFloat(name: string, value: number): string {
    return this.constant(name, [], Float32Array.of(value));
  }

  int64s(name: string, values: number[]): string {
    return this.constant(name, [values.length], BigInt64Array.from(values.map(BigInt)));
  }

  /** Adds a node with one output and returns that output's name. */
  op(
    opType: string,
    inputs: string[],
    attributes: Record<string, AttributeValue> = {},
    output?: string,
  ): string {
    return this.opMulti(opType, inputs, 1, attributes, output ? [output] : undefined)[0]!;
  }

  opMulti(
    opType: string,
    inputs: string[],
    outputCount: number,
    attributes: Record<string, AttributeValue> = {},
    outputs?: string[],
  ): string[] {
    const names = outputs ?? Array.from({ length: outputCount }, (_, i) => `${opType}_${this.counter}_${i}`);
    this.counter += 1;
    this.nodes.push({
      opType,
      name: `${opType}_${this.counter}`,
      input: inputs,
      output: names,
      attribute: Object.entries(attributes).map(([key, value]) => attribute(key, value)),
    });
    return names;
  }

  encode(args: {
    inputs: { name: string; dims: (number | string)[]; type: DataType }[];
    outputs: { name: string; dims: (number | string)[]; type: DataType }[];
    producer: string;
  }): Uint8Array {
    const valueInfo = (v: { name: string; dims: (number | string)[]; type: DataType }) => ({
      name: v.name,
      type: {
        tensorType: {
          elemType: v.type,
          shape: { dim: v.dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
        },
      },
    });
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: args.producer,
      opsetImport: [{ domain: '', version: this.opset }],
      graph: {
        name: 'bert-encoder',
        node: this.nodes,
        initializer: this.initializers,
        input: args.inputs.map(valueInfo),
        output: args.outputs.map(valueInfo),
      },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}

export { DataType as OnnxDataType };
