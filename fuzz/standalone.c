// SPDX-License-Identifier: GPL-2.0
/*
 * A main() for the fuzz targets without libFuzzer: runs every file named
 * on the command line, or every file in a directory named there, once.
 * Used for the coverage build, and to replay an input under a debugger.
 * Build the target with -DFUZZ_STANDALONE: a property violation is
 * reported, counted, and the next input runs. Exit status 1 if any input
 * violated a property (or could not be read).
 */
#include <dirent.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

jmp_buf fuzz_recover;
static unsigned long nr_inputs, nr_violations;

static int run_file(const char *path)
{
	uint8_t *buf = NULL, *bigger;
	size_t len = 0, cap = 0, got;
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		return -1;
	}
	do {
		if (len == cap) {
			cap = cap ? 2 * cap : 4096;
			bigger = realloc(buf, cap);
			if (!bigger) {
				free(buf);
				fclose(f);
				return -1;
			}
			buf = bigger;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
	} while (got);
	fclose(f);

	nr_inputs++;
	if (setjmp(fuzz_recover)) {
		fprintf(stderr, "  input: %s\n", path);
		nr_violations++;
		free(buf);
		return -1;
	}
	LLVMFuzzerTestOneInput(buf, len);
	free(buf);
	return 0;
}

static int run_path(const char *path)
{
	struct dirent **names;
	struct stat sb;
	char *sub;
	int n, i, ret = 0;

	if (stat(path, &sb)) {
		perror(path);
		return -1;
	}
	if (!S_ISDIR(sb.st_mode))
		return run_file(path);

	/* Sorted, so that runs are reproducible */
	n = scandir(path, &names, NULL, alphasort);
	if (n < 0) {
		perror(path);
		return -1;
	}
	for (i = 0; i < n; i++) {
		if (names[i]->d_name[0] != '.') {
			sub = malloc(strlen(path) + strlen(names[i]->d_name) + 2);
			if (!sub)
				return -1;
			sprintf(sub, "%s/%s", path, names[i]->d_name);
			if (!stat(sub, &sb) && S_ISREG(sb.st_mode) && run_file(sub))
				ret = -1;
			free(sub);
		}
		free(names[i]);
	}
	free(names);
	return ret;
}

int main(int argc, char **argv)
{
	int i, ret = 0;

	for (i = 1; i < argc; i++) {
		if (run_path(argv[i]))
			ret = 1;
	}
	fprintf(stderr, "%s: ran %lu inputs, %lu violations\n", argv[0],
		nr_inputs, nr_violations);
	return ret;
}
