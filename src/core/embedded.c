/* Lookup over the files tools/embed.c compiled in. */
#include "embedded.h"

#include <string.h>

const struct hm_embedded_file *hm_embedded_find(const char *name)
{
	for (size_t i = 0; i < hm_embedded_count; i++)
		if (strcmp(hm_embedded_files[i].name, name) == 0)
			return &hm_embedded_files[i];
	return NULL;
}
