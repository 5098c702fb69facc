/* libcuda_symbol.h: a CUDA driver function reached without its name in the
 * object, for the mutants that hide a call from grader/check_symbols.sh.
 *
 * libcuda_symbol("cuCtxSynchronize") walks the libraries the process has
 * loaded (dl_iterate_phdr: the CUDA runtime loaded libcuda.so.1 when it
 * started), finds libcuda's dynamic symbol table through its dynamic section
 * and compares names until it meets the one asked for. nm sees
 * dl_iterate_phdr and strcmp, never the function's name; only a guard that
 * watches the calls at run time (CUPTI's driver API callbacks) sees it. */
#ifndef LIBCUDA_SYMBOL_H
#define LIBCUDA_SYMBOL_H

#include <link.h>

#include <cstdint>
#include <cstring>

namespace libcuda
{

struct Wanted {
    const char *name;
    void *address;
};

/* A dynamic section's addresses: glibc relocates them in place on most
 * targets, not on all. */
inline const void *at(const dl_phdr_info *lib, ElfW(Addr) ptr)
{
    return reinterpret_cast<const void *>(ptr < lib->dlpi_addr ? lib->dlpi_addr + ptr : ptr);
}

/* How many symbols the table holds: DT_HASH says so; DT_GNU_HASH's last
 * chain ends at the last one. */
inline uint32_t symbol_count(const uint32_t *sysv_hash, const uint32_t *gnu_hash)
{
    if (sysv_hash)
        return sysv_hash[1];
    const uint32_t buckets = gnu_hash[0], first = gnu_hash[1], bloom_words = gnu_hash[2];
    const uint32_t *bucket = reinterpret_cast<const uint32_t *>(
        reinterpret_cast<const ElfW(Addr) *>(gnu_hash + 4) + bloom_words);
    const uint32_t *chain = bucket + buckets;
    uint32_t last = 0;
    for (uint32_t b = 0; b < buckets; b++)
        last = bucket[b] > last ? bucket[b] : last;
    if (last < first)
        return first;
    while (!(chain[last - first] & 1u)) /* the low bit ends a chain */
        last++;
    return last + 1;
}

inline int search_library(dl_phdr_info *lib, size_t, void *data)
{
    Wanted *wanted = static_cast<Wanted *>(data);
    const char *slash = strrchr(lib->dlpi_name, '/');
    if (strncmp(slash ? slash + 1 : lib->dlpi_name, "libcuda.so", 10) != 0)
        return 0;
    const ElfW(Dyn) *dyn = nullptr;
    for (int i = 0; i < lib->dlpi_phnum; i++)
        if (lib->dlpi_phdr[i].p_type == PT_DYNAMIC)
            dyn = reinterpret_cast<const ElfW(Dyn) *>(lib->dlpi_addr + lib->dlpi_phdr[i].p_vaddr);
    const ElfW(Sym) *symbols = nullptr;
    const char *names = nullptr;
    const uint32_t *sysv_hash = nullptr, *gnu_hash = nullptr;
    for (; dyn && dyn->d_tag != DT_NULL; dyn++) {
        const void *p = at(lib, dyn->d_un.d_ptr);
        if (dyn->d_tag == DT_SYMTAB)
            symbols = static_cast<const ElfW(Sym) *>(p);
        else if (dyn->d_tag == DT_STRTAB)
            names = static_cast<const char *>(p);
        else if (dyn->d_tag == DT_HASH)
            sysv_hash = static_cast<const uint32_t *>(p);
        else if (dyn->d_tag == DT_GNU_HASH)
            gnu_hash = static_cast<const uint32_t *>(p);
    }
    if (!symbols || !names || (!sysv_hash && !gnu_hash))
        return 0;
    for (uint32_t i = 0, n = symbol_count(sysv_hash, gnu_hash); i < n; i++)
        if (symbols[i].st_shndx != SHN_UNDEF &&
            strcmp(names + symbols[i].st_name, wanted->name) == 0) {
            wanted->address = reinterpret_cast<void *>(lib->dlpi_addr + symbols[i].st_value);
            return 1; /* stops the walk */
        }
    return 0;
}

} // namespace libcuda

/* The address of libcuda's exported function `name`, or NULL. */
inline void *libcuda_symbol(const char *name)
{
    libcuda::Wanted wanted = {name, nullptr};
    dl_iterate_phdr(libcuda::search_library, &wanted);
    return wanted.address;
}

#endif /* LIBCUDA_SYMBOL_H */
