/*
 * TEST HARNESS ONLY, never part of a release: scripts/test-windows.sh and
 * backend/cli's TestCheckOnWine (make test-remind) put it into a throwaway
 * Wine prefix. It is the only copy: keep it so.
 *
 * Go 1.24+ programs get their random bytes from ProcessPrng in
 * bcryptprimitives.dll, which they load from system32 at start. Debian 12's
 * Wine 8.0 has no such DLL, so every Go program dies with "fatal error:
 * bcryptprimitives.dll not found". This stand-in exports ProcessPrng and
 * fills the buffer from advapi32's RtlGenRandom (SystemFunction036), which
 * Wine implements, in chunks of 1 GiB (RtlGenRandom takes a ULONG length).
 *
 *   x86_64-w64-mingw32-gcc -shared -O2 -o bcryptprimitives.dll \
 *     bcryptprimitives-shim.c -ladvapi32
 */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T len)
{
    while (len > 0) {
        ULONG n = len > 0x40000000 ? 0x40000000 : (ULONG)len;
        if (!SystemFunction036(data, n))
            return FALSE;
        data += n;
        len -= n;
    }
    return TRUE;
}
