/**
 * libbpf.so.1 through koffi. Declarations follow shared/docs/kernel-loading.md: the open-options layout of
 * libbpf 1.1 (sizeof 80), caller-owned log buffers, and libbpf's print callback formatted with vsnprintf.
 * This is the only module (with helper.ts) that touches native code.
 */
import * as koffi from 'koffi';
import { fitMap, type OpenedMap } from '../../core/loader/map-fit';
import { declareOpenOpts, openOptsLayout } from './open-opts';

type NativeFn = ReturnType<koffi.LibraryHandle['func']>;

export interface LibbpfProgram { ptr: unknown; name: string; section: string; insnCount: number }

export class LibbpfLoadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LibbpfLoadError';
  }
}

/** A failed libbpf call with its (positive) errno; libbpf's private codes start at 4000. */
export class LibbpfCallError extends Error {
  constructor(readonly call: string, readonly errno: number, message: string) {
    super(message);
    this.name = 'LibbpfCallError';
  }
}


export class Libbpf {
  readonly version: string;
  private readonly fn: Record<string, NativeFn> = {};
  private readonly openOpts: koffi.TypeObject;
  private readonly openOptsSize: number;
  private printSink: ((level: number, msg: string) => void) | undefined;
  private readonly scratch = Buffer.alloc(4096);
  private readonly vsnprintf: NativeFn;
  private readonly closeFd: NativeFn;

  constructor(libPath = 'libbpf.so.1') {
    let lib: koffi.LibraryHandle;
    let libc: koffi.LibraryHandle;
    try {
      lib = koffi.load(libPath);
      libc = koffi.load('libc.so.6');
    } catch (e) {
      throw new LibbpfLoadError(`Cannot load ${libPath}: ${(e as Error).message}`);
    }
    koffi.opaque('bpf_object');
    koffi.opaque('bpf_program');
    koffi.opaque('bpf_map');
    // the version decides the open-options layout, so read it before anything else
    let major: number;
    let minor: number;
    try {
      major = lib.func('uint32_t libbpf_major_version()')() as number;
      minor = lib.func('uint32_t libbpf_minor_version()')() as number;
    } catch {
      throw new LibbpfLoadError(`${libPath} is older than libbpf 1.0 (it has no libbpf_major_version); libbpf 1.0 or newer is required.`);
    }
    if (major < 1) throw new LibbpfLoadError(`${libPath} is libbpf ${major}.${minor}; libbpf 1.0 or newer is required.`);
    const layout = openOptsLayout(major, minor);
    this.openOptsSize = layout.size;
    try {
      this.openOpts = declareOpenOpts(koffi, layout);
    } catch (e) {
      throw new LibbpfLoadError(`bpf_object_open_opts for libbpf ${major}.${minor}: ${(e as Error).message}`);
    }
    const printFn = koffi.proto('int libbpf_print_fn(int level, const void *fmt, void *ap)');
    const decls = [
      'void *libbpf_set_print(libbpf_print_fn *fn)',
      'bpf_object *bpf_object__open_mem(void *obj_buf, size_t obj_buf_sz, const void *opts)',
      'int bpf_object__load(bpf_object *obj)',
      'void bpf_object__close(bpf_object *obj)',
      'bpf_program *bpf_object__next_program(const bpf_object *obj, bpf_program *prev)',
      'bpf_map *bpf_object__next_map(const bpf_object *obj, const bpf_map *prev)',
      'const char *bpf_program__name(const bpf_program *prog)',
      'const char *bpf_program__section_name(const bpf_program *prog)',
      'size_t bpf_program__insn_cnt(const bpf_program *prog)',
      'int bpf_program__set_autoload(bpf_program *prog, bool autoload)',
      'int bpf_program__set_log_level(bpf_program *prog, uint32_t level)',
      'int bpf_program__set_log_buf(bpf_program *prog, void *buf, size_t size)',
      'const char *bpf_map__name(const bpf_map *map)',
      'int bpf_map__set_pin_path(bpf_map *map, const char *path)',
      'int libbpf_strerror(int err, _Out_ char *buf, size_t size)',
      // map attributes and their setters (all in libbpf 1.0+): maps fitted as cilium/ebpf creates them (map-fit.ts)
      'int bpf_map__type(const bpf_map *map)',
      'uint32_t bpf_map__key_size(const bpf_map *map)',
      'uint32_t bpf_map__value_size(const bpf_map *map)',
      'uint32_t bpf_map__max_entries(const bpf_map *map)',
      'uint32_t bpf_map__btf_key_type_id(const bpf_map *map)',
      'uint32_t bpf_map__btf_value_type_id(const bpf_map *map)',
      'int bpf_map__set_key_size(bpf_map *map, uint32_t size)',
      'int bpf_map__set_value_size(bpf_map *map, uint32_t size)',
      'int bpf_map__set_max_entries(bpf_map *map, uint32_t max_entries)',
      'int bpf_map__reuse_fd(bpf_map *map, int fd)',
      'int bpf_map_create(int map_type, const char *map_name, uint32_t key_size, uint32_t value_size, uint32_t max_entries, const void *opts)',
    ];
    for (const d of decls) {
      const name = /(\w+)\(/.exec(d)![1];
      try {
        this.fn[name] = lib.func(d);
      } catch (e) {
        throw new LibbpfLoadError(`${libPath} lacks ${name} (libbpf 1.0 or newer is required): ${(e as Error).message}`);
      }
    }
    this.vsnprintf = libc.func('int vsnprintf(_Out_ void *buf, size_t size, const void *fmt, void *ap)');
    this.closeFd = libc.func('int close(int fd)');
    this.version = `${major}.${minor}`;
    const cb = koffi.register((level: number, fmt: unknown, ap: unknown) => {
      try {
        this.printSink?.(level, this.formatVa(fmt, ap));
      } catch {
        // an exception escaping a callback makes koffi skip later ones and leak the open object
      }
      return 0;
    }, koffi.pointer(printFn));
    this.fn.libbpf_set_print(cb);
  }

  /** vsnprintf consumes its va_list, so measure on a copy (va_copy is a 24-byte memcpy on x86_64 SysV). */
  private formatVa(fmt: unknown, ap: unknown): string {
    const copy = Buffer.from(koffi.decode(ap, 'uint8_t', 24) as number[]);
    const n = this.vsnprintf(this.scratch, this.scratch.length, fmt, copy) as number;
    if (n < 0) return '';
    if (n < this.scratch.length) return this.scratch.toString('utf8', 0, n);
    const big = Buffer.allocUnsafe(n + 1);
    this.vsnprintf(big, big.length, fmt, ap);
    return big.toString('utf8', 0, n);
  }

  /** Route libbpf's messages (0 = warn, 1 = info, 2 = debug) while `body` runs. */
  capturePrints<T>(sink: (level: number, msg: string) => void, body: () => T): T {
    this.printSink = sink;
    try {
      return body();
    } finally {
      this.printSink = undefined;
    }
  }

  strerror(errno: number): string {
    const buf = Buffer.alloc(256);
    this.fn.libbpf_strerror(errno, buf, buf.length);
    return buf.toString('utf8', 0, Math.max(0, buf.indexOf(0)));
  }

  /**
   * Open an object from bytes already read and checked (see helper.ts): libbpf never opens the path. It keeps the
   * buffer's address until the load, so the caller keeps `bytes` referenced until close. `name` is what open_file
   * would take from the path (global-data map names derive from it).
   */
  openMem(bytes: Buffer, name: string): unknown {
    koffi.errno(0);
    const opts = koffi.as({ sz: this.openOptsSize, object_name: name }, koffi.pointer(this.openOpts));
    const obj = this.fn.bpf_object__open_mem(koffi.address(bytes), bytes.length, opts);
    const errno = koffi.errno();
    if (!obj) throw new LibbpfCallError('bpf_object__open_mem', errno, this.strerror(errno));
    return obj;
  }

  close(obj: unknown): void {
    this.fn.bpf_object__close(obj);
  }

  programs(obj: unknown): LibbpfProgram[] {
    const out: LibbpfProgram[] = [];
    for (let p = this.fn.bpf_object__next_program(obj, null); p; p = this.fn.bpf_object__next_program(obj, p)) {
      out.push({
        ptr: p,
        name: this.fn.bpf_program__name(p) as string,
        section: this.fn.bpf_program__section_name(p) as string,
        insnCount: Number(this.fn.bpf_program__insn_cnt(p)),
      });
    }
    return out;
  }

  /** Names of the object's maps; with `unpin`, clear each pin path so loading never pins into bpffs. */
  maps(obj: unknown, unpin = false): string[] {
    const out: string[] = [];
    for (let m = this.fn.bpf_object__next_map(obj, null); m; m = this.fn.bpf_object__next_map(obj, m)) {
      out.push(this.fn.bpf_map__name(m) as string);
      if (unpin) this.fn.bpf_map__set_pin_path(m, null);
    }
    return out;
  }

  /** What libbpf opened for each map: type, sizes, max_entries and BTF type ids. */
  mapAttributes(obj: unknown): (OpenedMap & { ptr: unknown })[] {
    const out: (OpenedMap & { ptr: unknown })[] = [];
    for (let m = this.fn.bpf_object__next_map(obj, null); m; m = this.fn.bpf_object__next_map(obj, m)) {
      out.push({
        ptr: m, name: this.fn.bpf_map__name(m) as string, type: this.fn.bpf_map__type(m) as number,
        keySize: this.fn.bpf_map__key_size(m) as number, valueSize: this.fn.bpf_map__value_size(m) as number,
        maxEntries: this.fn.bpf_map__max_entries(m) as number,
        btfKeyTypeId: this.fn.bpf_map__btf_key_type_id(m) as number, btfValueTypeId: this.fn.bpf_map__btf_value_type_id(m) as number,
      });
    }
    return out;
  }

  /**
   * Fit the maps as cilium/ebpf would create them (core/loader/map-fit.ts) and return a note per change. A map
   * created here is handed to libbpf with bpf_map__reuse_fd (which duplicates the fd) and our fd closed at once:
   * bpf_object__close then frees it with the object.
   */
  fitMaps(obj: unknown, cpus: number): string[] {
    const notes: string[] = [];
    for (const m of this.mapAttributes(obj)) {
      const fit = fitMap(m, cpus);
      if (!fit) continue;
      if (fit.createPlain) {
        const { keySize, valueSize, maxEntries } = fit.createPlain;
        const fd = this.fn.bpf_map_create(m.type, m.name.slice(0, 15), keySize, valueSize, maxEntries, null) as number;
        if (fd < 0) continue; // libbpf creates it as declared and reports the kernel's refusal
        const rc = this.fn.bpf_map__reuse_fd(m.ptr, fd) as number;
        this.closeFd(fd);
        if (rc < 0) continue;
      }
      if (fit.set?.keySize !== undefined) this.fn.bpf_map__set_key_size(m.ptr, fit.set.keySize);
      if (fit.set?.valueSize !== undefined) this.fn.bpf_map__set_value_size(m.ptr, fit.set.valueSize);
      if (fit.set?.maxEntries !== undefined) this.fn.bpf_map__set_max_entries(m.ptr, fit.set.maxEntries);
      notes.push(fit.note);
    }
    return notes;
  }

  /**
   * Load the object with only `target` autoloaded, its log going to `logBuf` at `level`.
   * Returns the positive errno (0 on success). The caller closes the object, which unloads everything.
   */
  loadOne(obj: unknown, target: LibbpfProgram, others: LibbpfProgram[], level: number, logBuf: Buffer): number {
    for (const p of others) this.fn.bpf_program__set_autoload(p.ptr, p.ptr === target.ptr);
    this.fn.bpf_program__set_autoload(target.ptr, true);
    this.fn.bpf_program__set_log_level(target.ptr, level);
    logBuf[0] = 0;
    // libbpf keeps this pointer until close; logBuf stays referenced by the caller until then
    this.fn.bpf_program__set_log_buf(target.ptr, koffi.address(logBuf), logBuf.length);
    const rc = this.fn.bpf_object__load(obj) as number;
    return rc < 0 ? -rc : 0;
  }
}
