// Atomic exchange of two paths (Linux renameat2 RENAME_EXCHANGE), for replacing a published
// folder in one step: readers see the old folder or the new one, never neither.
#ifndef CFILESWAP_H
#define CFILESWAP_H
int almanac_exchange_paths(const char *a, const char *b);
#endif
