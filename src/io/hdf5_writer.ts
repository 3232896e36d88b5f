// Writes an HDF5 file in HDF5's earliest file format, the one h5py writes by default and Keras 3's
// `model.weights.h5` files use, so that h5py (any HDF5 since 1.8) and this library's reader
// (./hdf5.ts) read it. What is written, with 8-byte offsets and lengths throughout:
//
// - A version 0 superblock at offset 0 (group leaf K = 4, group internal K = 16, h5py's values),
//   whose root symbol table entry caches the root group's B-tree and local heap.
// - Every group as an old-style symbol table: a version 1 object header holding a symbol table
//   message and one attribute message per attribute; a local heap holding the members' names;
//   symbol table nodes ('SNOD') of at most 2 * leaf K = 8 entries, sorted by name (HDF5 finds a
//   member by binary search, so name order is required, and readers list members in it); a
//   version 1 B-tree ('TREE') over them of at most 2 * internal K = 32 children a node, with as
//   many levels as the member count needs. Nodes are written at their full size, as HDF5 reads
//   them whole.
// - Every dataset as a version 1 object header with a dataspace (rank 0 for a scalar), a
//   datatype (little-endian IEEE float32 or signed int64) and a version 3 contiguous layout
//   message; its values follow as one contiguous block (none, and an undefined address, for a
//   dataset of no elements).
// - String attributes as scalar variable-length UTF-8 strings (h5py reads them as Python `str`;
//   a fixed-length string would come back as `bytes`), their text in one global heap collection
//   ('GCOL', at least 4096 bytes, HDF5's minimum) right after the superblock.
//
// Objects are written after their members (the root group last), each member in the group's
// insertion order. The file is assembled once, at its final size, from the pieces laid out.

/** A group to write: its members by name (written in insertion order), and string attributes. */
export interface Hdf5WriteGroup {
  kind: 'group';
  members: Map<string, Hdf5WriteGroup | Hdf5WriteDataset>;
  attributes?: Map<string, string>;
}

/** A dataset to write: `values` holds the product of `shape` elements (one for shape []), row-major. */
export interface Hdf5WriteDataset {
  kind: 'dataset';
  shape: number[];
  dtype: 'float32' | 'int64';
  values: Float32Array | BigInt64Array;
}

const SIGNATURE = [0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a];
const SUPERBLOCK_SIZE = 96;
const GROUP_LEAF_K = 4;
const GROUP_INTERNAL_K = 16;
const SYMBOLS_PER_NODE = 2 * GROUP_LEAF_K;
const CHILDREN_PER_TREE_NODE = 2 * GROUP_INTERNAL_K;
/** A symbol table entry: name offset, object header address, cache type, reserved, 16 bytes of cache. */
const SYMBOL_ENTRY_SIZE = 40;
const SYMBOL_NODE_SIZE = 8 + SYMBOLS_PER_NODE * SYMBOL_ENTRY_SIZE;
/** Signature, type, level, entries used, two siblings; then keys and children, interleaved. */
const TREE_NODE_SIZE = 24 + (CHILDREN_PER_TREE_NODE + 1) * 8 + CHILDREN_PER_TREE_NODE * 8;
const LOCAL_HEAP_HEADER_SIZE = 32;
/** What a local heap's free-list head holds when it has no free block (HDF5's H5HL_FREE_NULL). */
const NO_FREE_BLOCK = 1;
const GLOBAL_HEAP_MIN_SIZE = 4096;
const GLOBAL_HEAP_HEADER_SIZE = 16;
/** A global heap object's header: index, reference count, reserved, size. */
const GLOBAL_OBJECT_HEADER_SIZE = 16;
const MAX_GLOBAL_OBJECTS = 0xffff;
const MAX_RANK = 32;
const UNDEFINED_ADDRESS = -1;
const NAME = /^[A-Za-z0-9_.]+$/;

const MESSAGE = { dataspace: 0x01, datatype: 0x03, layout: 0x08, attribute: 0x0c, symbolTable: 0x11 } as const;

/** The bytes of an HDF5 file holding `root` and everything under it. */
export function writeHdf5(root: Hdf5WriteGroup): Uint8Array {
  if (new Uint8Array(Uint16Array.of(1).buffer)[0] !== 1) throw new Error('HDF5 writer: a big-endian host is not supported (values are copied as little-endian bytes).');
  return new Hdf5Writer(root).bytes();
}

interface Piece {
  address: number;
  bytes: Uint8Array;
}

/** Where an object's header is, and for a group the B-tree and heap a symbol table entry caches. */
interface Placed {
  header: number;
  symbolTable?: { btree: number; heap: number };
}

class Hdf5Writer {
  private readonly pieces: Piece[] = [];
  private end = 0;
  private readonly superblock: Block;
  private readonly globalHeap?: GlobalHeap;
  private readonly root: Placed;

  constructor(root: Hdf5WriteGroup) {
    this.superblock = this.reserve(SUPERBLOCK_SIZE).block;
    const objectsSize = stringObjectsSize(root, '/', []);
    if (objectsSize > 0) {
      const { address, block } = this.reserve(Math.max(GLOBAL_HEAP_MIN_SIZE, GLOBAL_HEAP_HEADER_SIZE + objectsSize));
      this.globalHeap = new GlobalHeap(address, block);
    }
    this.root = this.group(root, '/');
    this.globalHeap?.finish();
  }

  bytes(): Uint8Array {
    const superblock = this.superblock;
    superblock.bytes(SIGNATURE);
    superblock.u8(0).u8(0).u8(0).u8(0); // superblock, free-space, root symbol table entry versions; reserved
    superblock.u8(0).u8(8).u8(8).u8(0); // shared header version; offset and length sizes; reserved
    superblock.u16(GROUP_LEAF_K).u16(GROUP_INTERNAL_K).u32(0);
    superblock.address(0).address(UNDEFINED_ADDRESS).address(this.end).address(UNDEFINED_ADDRESS); // base, free space, end of file, driver info
    symbolEntry(superblock, 0, this.root);
    const out = new Uint8Array(this.end);
    for (const { address, bytes } of this.pieces) out.set(bytes, address);
    return out;
  }

  /** `size` bytes at the end of the file (8-byte aligned), to be filled through the block. */
  private reserve(size: number): { address: number; block: Block } {
    const block = new Block(size);
    return { address: this.place(block.data), block };
  }

  private place(bytes: Uint8Array): number {
    const address = this.end;
    this.pieces.push({ address, bytes });
    this.end += align8(bytes.length);
    return address;
  }

  private object(object: Hdf5WriteGroup | Hdf5WriteDataset, path: string): Placed {
    return object.kind === 'group' ? this.group(object, path) : { header: this.dataset(object, path) };
  }

  private group(group: Hdf5WriteGroup, path: string): Placed {
    const members = new Map<string, Placed>();
    for (const [name, member] of group.members) {
      checkName(name, path);
      members.set(name, this.object(member, memberPath(path, name)));
    }
    const names = [...members.keys()].sort();
    const { heap, nameOffsets } = this.localHeap(names);
    const nodes = chunks(names, SYMBOLS_PER_NODE).map((symbols) => ({ address: this.symbolNode(symbols, members, nameOffsets), last: symbols[symbols.length - 1] }));
    const btree = this.btree(nodes, nameOffsets);
    const messages: Message[] = [{ type: MESSAGE.symbolTable, body: new Block(16).address(btree).address(heap).data }];
    for (const [name, value] of group.attributes ?? []) {
      checkName(name, path);
      messages.push({ type: MESSAGE.attribute, body: this.stringAttribute(name, value) });
    }
    return { header: this.objectHeader(messages), symbolTable: { btree, heap } };
  }

  /** A local heap of the empty string (offset 0, the B-trees' leftmost key) and the names. */
  private localHeap(names: string[]): { heap: number; nameOffsets: Map<string, number> } {
    const nameOffsets = new Map<string, number>();
    let dataSize = 8;
    for (const name of names) {
      nameOffsets.set(name, dataSize);
      dataSize += align8(name.length + 1);
    }
    const { address, block } = this.reserve(LOCAL_HEAP_HEADER_SIZE + dataSize);
    block.ascii('HEAP').u8(0).skip(3).length(dataSize).length(NO_FREE_BLOCK).address(address + LOCAL_HEAP_HEADER_SIZE);
    block.skip(8);
    for (const name of names) block.ascii(name).skip(align8(name.length + 1) - name.length);
    return { heap: address, nameOffsets };
  }

  private symbolNode(symbols: string[], members: Map<string, Placed>, nameOffsets: Map<string, number>): number {
    const { address, block } = this.reserve(SYMBOL_NODE_SIZE);
    block.ascii('SNOD').u8(1).u8(0).u16(symbols.length);
    for (const name of symbols) symbolEntry(block, nameOffsets.get(name)!, members.get(name)!);
    return address;
  }

  /**
   * The B-tree over a group's symbol table nodes, level by level from the leaves up; its root's
   * address. Key i of a node is the heap offset of the last name under child i - 1 (key 0: the
   * empty string's), so that a name under child i sorts after key i and at or before key i + 1.
   */
  private btree(leaves: Array<{ address: number; last: string }>, nameOffsets: Map<string, number>): number {
    let children = leaves;
    let level = 0;
    do {
      // An empty group's B-tree is one node of no children.
      const groups = children.length > 0 ? chunks(children, CHILDREN_PER_TREE_NODE) : [[]];
      const nodes = groups.map(() => this.reserve(TREE_NODE_SIZE));
      nodes.forEach(({ block }, n) => {
        block.ascii('TREE').u8(0).u8(level).u16(groups[n].length);
        block.address(n > 0 ? nodes[n - 1].address : UNDEFINED_ADDRESS).address(n + 1 < nodes.length ? nodes[n + 1].address : UNDEFINED_ADDRESS);
        block.length(0);
        for (const child of groups[n]) block.address(child.address).length(nameOffsets.get(child.last)!);
      });
      children = nodes.map(({ address }, n) => ({ address, last: groups[n][groups[n].length - 1]?.last }));
      level++;
    } while (children.length > 1);
    return children[0].address;
  }

  private dataset(dataset: Hdf5WriteDataset, path: string): number {
    const { shape, dtype, values } = dataset;
    if (shape.length > MAX_RANK || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw new Error(`HDF5 writer: dataset '${path}' needs a shape of at most ${MAX_RANK} non-negative integers. Received: shape=[${shape.join(', ')}].`);
    }
    const expectedArray = dtype === 'float32' ? Float32Array : BigInt64Array;
    if (!(values instanceof expectedArray)) throw new Error(`HDF5 writer: dataset '${path}' of dtype ${dtype} needs its values in a ${expectedArray.name}. Received: ${values.constructor.name}.`);
    const count = shape.reduce((a, b) => a * b, 1);
    if (values.length !== count) throw new Error(`HDF5 writer: dataset '${path}' of shape [${shape.join(', ')}] needs ${count} values. Received: ${values.length}.`);
    const data = count > 0 ? this.place(new Uint8Array(values.buffer, values.byteOffset, values.byteLength)) : UNDEFINED_ADDRESS;
    return this.objectHeader([
      { type: MESSAGE.dataspace, body: dataspace(shape) },
      { type: MESSAGE.datatype, body: dtype === 'float32' ? FLOAT32_TYPE : INT64_TYPE },
      { type: MESSAGE.layout, body: new Block(18).u8(3).u8(1).address(data).length(values.byteLength).data },
    ]);
  }

  /** An attribute message (version 1) of a scalar variable-length UTF-8 string. */
  private stringAttribute(name: string, value: string): Uint8Array {
    const text = new TextEncoder().encode(value);
    const index = this.globalHeap!.add(text);
    const nameSize = name.length + 1;
    const block = new Block(8 + align8(nameSize) + align8(STRING_TYPE.length) + 8 + 16);
    block.u8(1).u8(0).u16(nameSize).u16(STRING_TYPE.length).u16(8);
    block.ascii(name).skip(align8(nameSize) - name.length);
    block.bytes(STRING_TYPE).skip(align8(STRING_TYPE.length) - STRING_TYPE.length);
    block.bytes(dataspace([]));
    block.u32(text.length).address(this.globalHeap!.address).u32(index);
    return block.data;
  }

  /** A version 1 object header holding `messages`; its address. */
  private objectHeader(messages: Message[]): number {
    const size = messages.reduce((sum, m) => sum + 8 + align8(m.body.length), 0);
    const { address, block } = this.reserve(16 + size);
    block.u8(1).u8(0).u16(messages.length).u32(1).u32(size).skip(4);
    for (const { type, body } of messages) {
      if (body.length > 0xffff) throw new Error(`HDF5 writer: a header message of ${body.length} bytes (more than 65535; a very long attribute?).`);
      block.u16(type).u16(align8(body.length)).u8(0).skip(3).bytes(body).skip(align8(body.length) - body.length);
    }
    return address;
  }
}

interface Message {
  type: number;
  body: Uint8Array;
}

/**
 * The global heap collection of every string attribute's text: a 16-byte header, then objects
 * 1, 2, ... (a 16-byte header each, the text padded to 8 bytes), then object 0, the free space.
 */
class GlobalHeap {
  private count = 0;

  constructor(
    readonly address: number,
    private readonly block: Block,
  ) {
    block.ascii('GCOL').u8(1).skip(3).length(block.data.length);
  }

  /** Adds `text`; its object index. */
  add(text: Uint8Array): number {
    if (this.count === MAX_GLOBAL_OBJECTS) throw new Error(`HDF5 writer: more than ${MAX_GLOBAL_OBJECTS} string attributes in one file.`);
    this.count++;
    this.block.u16(this.count).u16(0).u32(0).length(text.length).bytes(text).skip(align8(text.length) - text.length);
    return this.count;
  }

  /** Marks the rest as free space (HDF5 takes a remainder too small for an object header as free). */
  finish(): void {
    const free = this.block.data.length - this.block.position;
    if (free >= GLOBAL_OBJECT_HEADER_SIZE) this.block.u16(0).u16(0).u32(0).length(free);
  }
}

/**
 * The bytes the global heap objects of the attributes under `group` take. It is the first walk
 * over the groups, so it is where a group that contains itself is refused.
 */
function stringObjectsSize(group: Hdf5WriteGroup, path: string, ancestors: Hdf5WriteGroup[]): number {
  if (ancestors.includes(group)) throw new Error(`HDF5 writer: the group '${path}' contains itself.`);
  let size = 0;
  for (const value of group.attributes?.values() ?? []) size += GLOBAL_OBJECT_HEADER_SIZE + align8(new TextEncoder().encode(value).length);
  for (const [name, member] of group.members) if (member.kind === 'group') size += stringObjectsSize(member, memberPath(path, name), [...ancestors, group]);
  return size;
}

function memberPath(path: string, name: string): string {
  return `${path === '/' ? '' : path}/${name}`;
}

/** A symbol table entry; a group's caches its B-tree and heap, as h5py writes. */
function symbolEntry(block: Block, nameOffset: number, object: Placed): void {
  block.length(nameOffset).address(object.header).u32(object.symbolTable ? 1 : 0).u32(0);
  if (object.symbolTable) block.address(object.symbolTable.btree).address(object.symbolTable.heap);
  else block.skip(16);
}

/** A version 1 dataspace message: rank, then each dimension (none for a scalar). */
function dataspace(shape: number[]): Uint8Array {
  const block = new Block(8 + 8 * shape.length).u8(1).u8(shape.length).u8(0).skip(5);
  for (const d of shape) block.length(d);
  return block.data;
}

function checkName(name: string, path: string): void {
  if (!NAME.test(name) || name === '.') throw new Error(`HDF5 writer: names in '${path}' must be ASCII letters, digits, '_' and '.' (not '.' alone). Received: name='${name}'.`);
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

function align8(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** A fixed-size little-endian byte block filled front to back. */
class Block {
  readonly data: Uint8Array;
  private readonly view: DataView;
  position = 0;

  constructor(size: number) {
    this.data = new Uint8Array(size);
    this.view = new DataView(this.data.buffer);
  }

  u8(value: number): this {
    this.view.setUint8(this.position++, value);
    return this;
  }

  u16(value: number): this {
    this.view.setUint16(this.position, value, true);
    this.position += 2;
    return this;
  }

  u32(value: number): this {
    this.view.setUint32(this.position, value, true);
    this.position += 4;
    return this;
  }

  /** An 8-byte address; all bits set for UNDEFINED_ADDRESS. */
  address(value: number): this {
    this.view.setBigUint64(this.position, value === UNDEFINED_ADDRESS ? 0xffffffffffffffffn : BigInt(value), true);
    this.position += 8;
    return this;
  }

  /** An 8-byte length. */
  length(value: number): this {
    return this.address(value);
  }

  bytes(values: ArrayLike<number>): this {
    this.data.set(values, this.position);
    this.position += values.length;
    return this;
  }

  ascii(text: string): this {
    for (let i = 0; i < text.length; i++) this.data[this.position++] = text.charCodeAt(i);
    return this;
  }

  skip(count: number): this {
    this.position += count;
    return this;
  }
}

/** Datatype messages: class and version, class bit field (3 bytes), size, class properties. */
const FLOAT32_TYPE = new Block(20)
  .u8(0x11).u8(0x20).u8(31).u8(0).u32(4) // floating point, version 1; little-endian, implied mantissa bit, sign at bit 31
  .u16(0).u16(32).u8(23).u8(8).u8(0).u8(23).u32(127).data; // bit offset, precision, exponent at 23 (8 bits), mantissa at 0 (23 bits), bias
const INT64_TYPE = new Block(12)
  .u8(0x10).u8(0x08).u8(0).u8(0).u32(8) // fixed point, version 1; little-endian, signed
  .u16(0).u16(64).data; // bit offset, precision
const STRING_TYPE = new Block(20)
  .u8(0x19).u8(0x01).u8(0x01).u8(0).u32(16) // variable length, version 1; a string, null-terminated, UTF-8; length + heap id
  .u8(0x10).u8(0).u8(0).u8(0).u32(1).u16(0).u16(8).data; // its base type: an unsigned byte
