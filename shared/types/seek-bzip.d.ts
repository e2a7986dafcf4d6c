declare module "seek-bzip" {
  /** seek-bzip's byte streams: input reads a byte, output takes one. */
  export interface ByteInput {
    readByte(): number;
    read(into: Uint8Array, offset: number, length: number): number;
    eof(): boolean;
  }
  export interface ByteOutput {
    writeByte(byte: number): void;
    flush(): void;
  }
  const Bunzip: {
    /** Decodes every block (and, with multistream, every concatenated stream) synchronously. */
    decode(input: ByteInput, output: ByteOutput, multistream?: boolean): void;
  };
  export default Bunzip;
}
