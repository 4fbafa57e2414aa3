// SPDX-License-Identifier: MIT
/*
 * rivet-dtinfo FILE.dtb — prints the machine exactly as the kernel will
 * see it: the same kernel/boot/fdt.c and kernel/boot/machine.c run here on the host.
 * rivet-dtinfo --device NAME FILE.dtb prints instead the device a
 * configuration's `device = NAME` would grant (machine_device()).
 *
 * Output is one fact per line, "key: value", stable across runs, so it can
 * be grepped and diffed when porting a board. Exit status: 0 described,
 * 1 the tree (or the device) was rejected (reason on stderr), 2 usage or
 * I/O error.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/boot/fdt.h"
#include "kernel/boot/machine.h"
#include <rivet/uart_compat.h>

#define KIB ((uint64_t)1024)
#define MIB ((uint64_t)1024 * 1024)

/* "N MiB" / "N KiB" / "N bytes", whichever is exact. */
static void print_size(uint64_t size)
{
	if (size >= MIB && size % MIB == 0)
		printf("%" PRIu64 " MiB", size / MIB);
	else if (size >= KIB && size % KIB == 0)
		printf("%" PRIu64 " KiB", size / KIB);
	else
		printf("%" PRIu64 " bytes", size);
}

/* Prints "0xBASE-0xLAST" with the last byte inclusive. */
static void print_range(uint64_t base, uint64_t size)
{
	printf("0x%016" PRIx64 "-0x%016" PRIx64 " ", base, base + size - 1);
}

/* The quirks a UART's driver applies, as words (include/rivet/uart_compat.h). */
static const char *uart_quirk_words(const char *compat)
{
	return rivet_uart_quirks(compat) & RIVET_UART_XSCALE
		       ? " quirk xscale-ier-uue"
		       : "";
}

static void print_uart(const char *key, const struct uart *u)
{
	printf("%s: %s %s at 0x%" PRIx64 " size 0x%" PRIx64
	       " driver %s%s reg-shift %u io-width %u clock %u baud %u irq "
	       "%u\n",
	       key, u->path, u->compat, u->base, u->size,
	       machine_uart_driver(u->compat), uart_quirk_words(u->compat),
	       u->reg_shift, u->reg_io_width, u->clock_hz, u->baud, u->irq);
}

static void print_hart(const struct hart *h)
{
	/* A bad node's hartid is unknown: do not print a plausible one. */
	if (h->state == HART_BAD_NODE)
		printf("hart ?: ");
	else
		printf("hart %u: ", h->hartid);
	if (h->state == HART_USABLE)
		printf("usable");
	else
		printf("skipped (%s)", hart_state_name(h->state));
	printf(" %s %s %s plic-context ", h->isa[0] ? h->isa : "no-isa",
	       h->mmu[0] ? h->mmu : "no-mmu", h->has_sstc ? "sstc" : "no-sstc");
	if (h->plic_sctx < 0)
		printf("none\n");
	else
		printf("%d\n", h->plic_sctx);
}

static void print_machine(const struct machine *m)
{
	unsigned i, usable = 0;

	printf("model: %s\n", m->model[0] ? m->model : "(none)");
	printf("fdt size: %u bytes\n", m->fdt_size);
	for (i = 0; i < m->nmem; i++) {
		printf("ram: ");
		print_range(m->mem[i].base, m->mem[i].size);
		print_size(m->mem[i].size);
		printf("\n");
	}
	printf("ram total: ");
	print_size(machine_ram_total(m));
	printf("\n");
	for (i = 0; i < m->nresv; i++) {
		const struct resv_range *r = &m->resv[i];

		printf("reserved: ");
		print_range(r->base, r->size);
		print_size(r->size);
		printf(" %s%s\n", r->name, r->no_map ? " no-map" : "");
	}

	for (i = 0; i < m->nharts; i++) {
		print_hart(&m->harts[i]);
		usable += m->harts[i].state == HART_USABLE;
	}
	printf("harts usable: %u of %u\n", usable,
	       m->nharts + m->harts_dropped);
	if (m->harts_dropped)
		printf("harts dropped: %u (beyond MACHINE_MAX_HARTS %d: hart "
		       "%u to hart %u in tree order)\n",
		       m->harts_dropped, MACHINE_MAX_HARTS, m->dropped_first,
		       m->dropped_last);
	printf("timebase: %" PRIu64 " Hz\n", m->timebase_hz);
	/* Only the hart knows whether XTheadMae is on (memtype.h). */
	printf("memory types: %s\n",
	       m->thead_c9xx ? "T-Head C9xx cores: XTheadMae PTE bits if "
			       "sxstatus.MAEE is on (asked at boot)"
			     : "from the PMAs");

	printf("stdout-path: %s%s\n",
	       m->stdout_path[0] ? m->stdout_path : "(none)",
	       m->stdout_guessed ? " (none in the tree: the first UART, as "
				   "OpenSBI picks it)"
				 : "");
	if (m->console >= 0)
		print_uart("console", &m->uarts[m->console]);
	else
		printf("console: none\n");
	for (i = 0; i < m->nuarts; i++)
		print_uart("uart", &m->uarts[i]);
	if (m->uarts_dropped)
		printf("uarts dropped: %u (beyond MACHINE_MAX_UARTS %d)\n",
		       m->uarts_dropped, MACHINE_MAX_UARTS);

	if (m->plic.present)
		printf("plic: %s %s at 0x%016" PRIx64 " size 0x%" PRIx64
		       " sources %u%s\n",
		       m->plic.path, m->plic.compat, m->plic.base, m->plic.size,
		       m->plic.ndev,
		       m->plic.edge_lost ? " edge-lost-while-claimed" : "");
	else
		printf("plic: none\n");
	if (m->plic.aia[0])
		printf("interrupt controller: %s (RISC-V AIA, not supported: "
		       "no external interrupts)\n",
		       m->plic.aia);

	if (m->has_initrd)
		printf("initrd: 0x%" PRIx64 "-0x%" PRIx64 " (%" PRIu64
		       " bytes)\n",
		       m->initrd_start, m->initrd_end,
		       m->initrd_end - m->initrd_start);
	else
		printf("initrd: none\n");
	printf("bootargs:%s%s\n", m->bootargs[0] ? " " : "", m->bootargs);
	if (m->bootargs_cut)
		printf("bootargs cut: longer than %zu characters, words past "
		       "them ignored\n",
		       sizeof(m->bootargs) - 1);
}

static void print_device(const struct device_desc *d)
{
	unsigned i;

	printf("path: %s\n", d->path);
	printf("compatible: %s\n", d->compat[0] ? d->compat : "(none)");
	for (i = 0; i < d->nregs; i++) {
		printf("reg: ");
		if (d->regs[i].size) {
			print_range(d->regs[i].base, d->regs[i].size);
			print_size(d->regs[i].size);
			printf("\n");
		} else {
			printf("0x%016" PRIx64 " empty\n", d->regs[i].base);
		}
	}
	if (d->nregs == 0)
		printf("reg: none\n");
	for (i = 0; i < d->nirqs; i++)
		printf("irq: %u\n", d->irqs[i]);
	if (d->nirqs == 0)
		printf("irq: none\n");
	printf("plic: %s\n", d->is_plic ? "yes" : "no");
}

/* The device a configuration names, or why there is none; exit status. */
static int describe_device(const char *file, const uint8_t *blob, size_t len,
			   const char *name)
{
	struct device_desc d;
	struct fdt_error err;

	if (machine_device(blob, len, name, &d, &err)) {
		fprintf(stderr, "rivet-dtinfo: %s: ", file);
		if (err.node[0])
			fprintf(stderr, "%s: ", err.node);
		fprintf(stderr, "%s", err.what);
		/* A name that matched nothing has no place in the file. */
		if (err.offset)
			fprintf(stderr, " at offset 0x%x", err.offset);
		fprintf(stderr, "\n");
		return 1;
	}
	print_device(&d);
	return 0;
}

/* Reads at most max bytes of path into a new buffer; NULL on error. */
static uint8_t *read_file(const char *path, size_t max, size_t *len)
{
	uint8_t *buf = malloc(max);
	FILE *fp;

	if (!buf)
		return NULL;
	fp = fopen(path, "rb");
	if (!fp) {
		free(buf);
		return NULL;
	}
	*len = fread(buf, 1, max, fp);
	if (ferror(fp)) {
		fclose(fp);
		free(buf);
		return NULL;
	}
	fclose(fp);
	return buf;
}

int main(int argc, char **argv)
{
	struct fdt_error err;
	struct machine *m;
	const char *device = NULL;
	uint8_t *blob;
	size_t len;
	int rc;

	if (argc == 4 && strcmp(argv[1], "--device") == 0) {
		device = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr,
			"usage: rivet-dtinfo [--device NAME] FILE.dtb\n");
		return 2;
	}
	/* totalsize is capped at FDT_MAX_SIZE; padding beyond it is unread. */
	blob = read_file(argv[1], FDT_MAX_SIZE, &len);
	if (!blob) {
		perror(argv[1]);
		return 2;
	}
	if (device) {
		rc = describe_device(argv[1], blob, len, device);
		free(blob);
		return rc;
	}
	m = malloc(sizeof(*m));
	if (!m) {
		perror("rivet-dtinfo");
		return 2;
	}
	rc = machine_from_fdt(m, blob, len, &err);
	if (rc) {
		fprintf(stderr, "rivet-dtinfo: %s: ", argv[1]);
		if (err.node[0])
			fprintf(stderr, "%s: ", err.node);
		fprintf(stderr, "%s at offset 0x%x\n", err.what, err.offset);
		free(m);
		free(blob);
		return 1;
	}
	print_machine(m);
	free(m);
	free(blob);
	return 0;
}
