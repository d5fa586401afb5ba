/* SPDX-License-Identifier: GPL-2.0 */
/*
 * An interrupt-controller model is data: a table of registers, each with a
 * table of bit fields, and for each register where a snapshot reads it.
 * From the register table alone the generic code here derives the list of
 * reads a snapshot performs, decodes a snapshot into named fields, and lets
 * diff compare two of them. Adding a controller (MPIC, VGIC, XICS) means one
 * new file with one table; nothing else changes.
 *
 * Two ways a register is read:
 *  - from a block that one ioctl returns whole (KVM_GET_IRQCHIP gives a PIC
 *    or the IOAPIC, KVM_GET_LAPIC a LAPIC page): the register is at a byte
 *    offset in that block, array elements STRIDE bytes apart;
 *  - one KVM_GET_DEVICE_ATTR per register (MPIC, VGIC): the attribute is the
 *    register's attr, array elements STRIDE attr units apart.
 * Registers whose read has a side effect (IACK, clear-on-read) or that
 * cannot be read (write-only) are in the table, for decoding recorded
 * traffic, but flagged so that a snapshot never reads them.
 */
#ifndef KVMIRQ_CHIP_H
#define KVMIRQ_CHIP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct msi_decoder;
struct chip_state;

/* How a snapshot obtains a register's bytes. */
enum chip_read_kind {
	CHIP_READ_NONE = 0,	   /* not readable by a snapshot (side effect, write-only) */
	CHIP_READ_IRQCHIP = 1,	   /* KVM_GET_IRQCHIP on the VM fd; attr = chip_id */
	CHIP_READ_LAPIC = 2,	   /* KVM_GET_LAPIC on the vCPU fd */
	CHIP_READ_DEVICE_ATTR = 3, /* KVM_GET_DEVICE_ATTR on the chip's fd: group, attr */
};

/* Bytes each whole-block read returns. */
#define CHIP_IRQCHIP_BLOCK_SIZE 512 /* the union in struct kvm_irqchip */
#define CHIP_LAPIC_BLOCK_SIZE 1024  /* struct kvm_lapic_state */
#define CHIP_ATTR_MAX_SIZE 8

/* How a field's value is shown. */
enum chip_format {
	CHIP_FMT_HEX = 0,
	CHIP_FMT_DEC,
	CHIP_FMT_BOOL,
	CHIP_FMT_ENUM,	     /* names[value], else the number */
	CHIP_FMT_VECTOR_SET, /* a 32-bit bitmap of vectors element*32 .. element*32+31 */
};

/* Field and register flags. */
enum {
	CHIP_VOLATILE = 1 << 0,	 /* changes on its own (a running count): diff lists it apart */
	CHIP_READ_ONLY = 1 << 1, /* status the hardware sets; documentation only */
	CHIP_SIDE_EFFECT = 1 << 2, /* reading it changes the chip: never read by a snapshot */
	CHIP_WRITE_ONLY = 1 << 3,  /* reads are meaningless: never read by a snapshot */
	CHIP_READ_MOVED = 1 << 4,  /* a SET at this attr writes another register than a
				    * GET there returns (the MPIC timers in 6.1): a SET of
				    * this register goes to write_attr */
	CHIP_WRITE_COMMAND = 1 << 5, /* a write is a command, not state (EOI, an IPI, an MSI);
				      * on a field: writing it nonzero is (a reset) */
	CHIP_MSI_DOORBELL = 1 << 6,  /* a write is an MSI whose data is the value written:
				      * the model's msi decoder reads it */
	CHIP_HOST_MAY_LACK = 1 << 7, /* elements past what the host has answer EINVAL (a
				      * GICv3's AP0R1..3 with 5 priority bits): such a
				      * read is an absent register, not a failed read */
};

/*
 * CHIP_FORGETS: a NULL-ended list of what a write (or the read of a
 * CHIP_SIDE_EFFECT register) changes that no traced event shows, so that a reconstruction (model/reconstruct.c) marks it
 * unknown instead of keeping a value that may be stale: "REG" (every element
 * and field), "REG.FIELD" (that field of every element), or "*" (the whole
 * controller).
 */
struct chip_field {
	const char *name; /* "vector", "masked" */
	uint8_t lo, bits; /* bit position and width within the register */
	enum chip_format format;
	const char *const *names; /* CHIP_FMT_ENUM: names[0 .. 1<<bits), NULL entries allowed */
	unsigned flags;
	const char *why; /* CHIP_VOLATILE: why it changes on its own */
	const char *command; /* CHIP_WRITE_COMMAND: what writing it nonzero does, "reset" */
	const char *const *forgets; /* what that command changes unseen (CHIP_FORGETS) */
	const char *only_on; /* the one model variant that has it, "fsl-mpic-20"; NULL: all */
	/* Bits per interrupt when the field holds one value per interrupt (a
	 * GIC bitmap: 1, a priority: 8, a configuration: 2), each decoded as a
	 * value of its own named by the interrupt (the model's irq_label):
	 * "ispendr[1].spi40". 0: one value for the whole field. */
	uint8_t per_irq;
};

struct chip_register {
	const char *name;  /* "redir", "lvt_timer", "src_ivpr" */
	uint16_t count;	   /* 1, or an array of COUNT registers: name[i] */
	uint32_t stride;   /* between elements: bytes in the block, or attr units */
	uint8_t width;	   /* bytes: 1, 2, 4 or 8 */
	enum chip_read_kind read;
	uint32_t group;	   /* CHIP_READ_DEVICE_ATTR: the attribute group */
	uint64_t attr;	   /* IRQCHIP: chip id; DEVICE_ATTR: attr of element 0 */
	uint32_t offset;   /* whole-block reads: byte offset of element 0 */
	unsigned flags;
	const char *why;		 /* CHIP_VOLATILE/SIDE_EFFECT: the reason */
	const struct chip_field *fields; /* ends with a NULL name; NULL: one hex value */
	uint64_t write_attr; /* CHIP_READ_MOVED: the attr a SET of element 0 uses */
	const char *command; /* SIDE_EFFECT: what a read does ("iack");
			      * CHIP_WRITE_COMMAND: what a write does ("eoi") */
	const char *const *forgets; /* what that command changes unseen (CHIP_FORGETS) */
	const char *only_on; /* the one model variant that has it, "fsl-mpic-42"; NULL: all */
	/* Registers about interrupts: element E covers IRQ_SPAN interrupts from
	 * IRQ_BASE + E * IRQ_SPAN (a GIC bitmap word: 32 from 32 * E; an
	 * IROUTER: 1). 0: not about particular interrupts. */
	uint16_t irq_base, irq_span;
};

/* A device attribute group, by the name its uAPI header gives it. */
struct chip_group {
	uint32_t group;
	const char *name; /* "REGISTER" for KVM_DEV_MPIC_GRP_REGISTER; NULL ends a list */
	/* The bytes at addr of a group no register describes (the VGIC's
	 * NR_IRQS: a __u32); 0: as wide as the capture took. */
	unsigned value_width;
};

/* Which fd of a VMM a chip's reads go to. */
enum chip_fd_kind {
	CHIP_FD_VM = 1,	    /* x86 PIC, IOAPIC */
	CHIP_FD_VCPU = 2,   /* x86 LAPIC: one instance per vCPU */
	CHIP_FD_DEVICE = 3, /* a KVM_CREATE_DEVICE fd, matched by its anon-inode name */
};

/* Where a model's VM and vCPU reads make sense (device fds say it by name). */
enum chip_arch {
	CHIP_ARCH_ANY = 0,
	CHIP_ARCH_X86 = 1,
	CHIP_ARCH_POWERPC = 2,
	CHIP_ARCH_ARM64 = 3,
};

/*
 * What a device attribute's attr holds besides the register (the VGICv3's
 * groups: Documentation/virt/kvm/devices/arm-vgic-v3.rst).
 */
enum chip_attr_layout {
	CHIP_ATTR_REGISTER = 0,	     /* the whole attr names the register */
	CHIP_ATTR_MPIDR_IGNORED = 1, /* bits 31:0 the register; 63:32 an MPIDR it ignores */
	/* bits 31:0 the register; 63:32 the MPIDR of the vCPU whose instance it
	 * is (Aff3..Aff0 in bytes 63:56..39:32): one instance per vCPU, its
	 * index the vCPU id */
	CHIP_ATTR_MPIDR_VCPU = 2,
};

struct chip_model {
	const char *name;	 /* stable id stored in snapshot files: "x86-ioapic" */
	enum chip_arch arch;
	const char *title;	 /* for people: "IOAPIC" */
	enum chip_fd_kind fd_kind;
	const char *device_name; /* CHIP_FD_DEVICE: the fd's anon-inode name, "kvm-mpic" */
	const struct chip_register *registers;
	size_t nr_registers;
	const struct chip_group *groups;   /* device models: the attribute groups */
	const struct msi_decoder *msi;	   /* CHIP_MSI_DOORBELL registers' MSIs */
	const char *const *line_forgets;   /* what a line change or an ack moves (CHIP_FORGETS) */
	/* The attribute group whose attr is a register's offset from the
	 * chip's base (the MPIC's REGISTER): a guest's recorded MMIO access
	 * reads or writes as a GET or SET of it does. 0: no such recording. */
	uint32_t mmio_group;
	enum chip_attr_layout attr_layout;
	/* The name of interrupt IRQ in per_irq values ("spi40"); NULL: "irq40". */
	void (*irq_label)(unsigned irq, char *buf, size_t len);
	/* How many interrupts (INTIDs 0..n-1) the instance has, from a register
	 * read earlier in the table (the GICv3's GICD_TYPER), or -1 while that
	 * is not read. A snapshot skips elements about interrupts past it
	 * (CHIP_STATUS_PAST_IRQS). NULL: every element is read. */
	int (*irq_count)(const struct chip_state *state);
};

/* The status of a read a snapshot did not make because its register
 * element is about interrupts past the chip's irq_count: not an errno
 * (snapshot-format.md keeps statuses in -4095..0). */
#define CHIP_STATUS_PAST_IRQS (-4095)

/* The result of one read a snapshot performed. */
struct chip_read_result {
	enum chip_read_kind kind;
	uint32_t group;
	uint64_t attr;
	int32_t status; /* 0, or the -errno the ioctl returned */
	uint32_t len;
	uint8_t *bytes; /* len bytes, host byte order as the kernel gave them */
};

/* One controller instance's state: what a snapshot read for it. */
struct chip_state {
	const struct chip_model *model; /* NULL: unknown to this kvmirq (model_name says) */
	char model_name[32];
	uint32_t vm;	   /* the VM's ordinal in the snapshot (1, 2, ...) */
	int32_t index;	   /* vCPU id for per-vCPU chips, else the instance number */
	uint64_t time_ns;  /* CLOCK_MONOTONIC when read */
	bool big_endian;   /* the bytes are in a big-endian host's order (PowerPC e500) */
	struct chip_read_result *reads;
	size_t nr_reads;
	/* Reconstructed states only: bit i set when decoded value i (in
	 * chip_decode order) is not known, though its read's bytes exist.
	 * NULL: every value whose read succeeded is known. */
	uint8_t *value_unknown;
	size_t nr_values;
};

/* The architecture this kvmirq was built for. */
enum chip_arch chip_host_arch(void);

/* Every model this kvmirq knows, and lookups. */
const struct chip_model *const *chip_models(size_t *count);
const struct chip_model *chip_model_by_name(const char *name);
/* The model of a KVM_CREATE_DEVICE device, by its ops name ("kvm-mpic"). */
const struct chip_model *chip_model_by_device(const char *device_name);
/* The model of a device that reads attribute (GROUP, ATTR): a device with
 * several models (the VGICv3's distributor, redistributors and CPU
 * interfaces) has one per group, or where two share a group, per attr;
 * else the one that reads GROUP, else chip_model_by_device's. */
const struct chip_model *chip_model_by_device_group(const char *device_name, uint32_t group,
						   uint64_t attr);

/* The reads a snapshot of MODEL performs, in table order, duplicates
 * removed. Calls fn once per read; returns the number of reads. */
size_t chip_for_each_read(const struct chip_model *model,
			  void (*fn)(void *ctx, enum chip_read_kind kind, uint32_t group,
				     uint64_t attr, uint32_t len),
			  void *ctx);

/* A decoded value: one field of one register element (or, for a per_irq
 * field, one interrupt's bits of it). */
struct chip_value {
	char name[64];			 /* "redir[3].vector", "lvt_timer.masked" */
	const struct chip_register *reg;
	const struct chip_field *field;	 /* NULL: the register as a whole */
	unsigned element;		 /* array index (0 for single registers) */
	size_t ordinal;			 /* its position in chip_decode order */
	bool known;			 /* false: its read failed or was never made, or a
					  * reconstruction could not know it */
	int32_t status;			 /* the read's status when !known (0: not read) */
	uint64_t value;
	unsigned flags;			 /* register flags | field flags */
	int32_t irq;			 /* the interrupt it is about, -1: none (irq_span) */
};

/* How many values chip_decode gives for MODEL. */
size_t chip_value_count(const struct chip_model *model);
/* Give STATE an all-known value_unknown bitmap to mark values in. 0 or -ENOMEM. */
int chip_state_track_known(struct chip_state *state);
void chip_state_set_known(struct chip_state *state, size_t value, bool known);

/* Decode STATE into values, in table order; fn returns nonzero to stop.
 * Registers never read by a snapshot (side effect, write-only) are skipped. */
int chip_decode(const struct chip_state *state,
		int (*fn)(void *ctx, const struct chip_value *v), void *ctx);
/* The same values with an empty name: for walks by register, element and
 * field (the reconstruction's marks, run on every line change), where
 * formatting thousands of names was most of the time. */
int chip_decode_unnamed(const struct chip_state *state,
			int (*fn)(void *ctx, const struct chip_value *v), void *ctx);

/* Interrupt IRQ as MODEL names it in per_irq values: "spi40", else "irq40". */
void chip_irq_label(const struct chip_model *model, unsigned irq, char *buf, size_t len);
/* Field F's bits of a register's RAW value. */
uint64_t chip_field_value(const struct chip_field *f, uint64_t raw);
/* The value as text: "0x31", "level", "{0x31,0x3f}"; returns buf. */
const char *chip_value_format(const struct chip_value *v, char *buf, size_t len);
/* Why a value is not known, from its read's STATUS: "not read", "past the
 * chip's interrupts", else the errno's text. */
const char *chip_read_status_text(int32_t status);
/* Whether a snapshot skips element E of R: it is about interrupts at or
 * past IRQ_COUNT (-1: not known, nothing is skipped). */
bool chip_element_past_irqs(const struct chip_register *r, unsigned e, int irq_count);
/* STATE's irq_count, -1 when its model has none or it is not known yet. */
int chip_state_irq_count(const struct chip_state *state);
/* The reason a volatile value changes on its own, or NULL. */
const char *chip_value_why(const struct chip_value *v);

/* Store and read back one register element's raw bits (in the byte order of
 * the host that took the snapshot, as the kernel gave them: big_endian says
 * which). Returns false when the state lacks that read. */
bool chip_register_get(const struct chip_state *state, const struct chip_register *reg,
		       unsigned element, uint64_t *value);
bool chip_register_set(struct chip_state *state, const struct chip_register *reg,
		       unsigned element, uint64_t value);

/* The register element a device attribute (GROUP, ATTR) names, or NULL. */
const struct chip_register *chip_register_by_attr(const struct chip_model *model, uint32_t group,
						  uint64_t attr, unsigned *element);
/* The register element a SET of (GROUP, ATTR) writes: the GET's, except
 * where a GET there reads another register (CHIP_READ_MOVED). NULL: none. */
const struct chip_register *chip_register_written_at(const struct chip_model *model,
						     uint32_t group, uint64_t attr,
						     unsigned *element);
/* "src_ivpr[5]", "gcr": element E of R as values and diff name it; returns buf. */
const char *chip_register_element_name(const struct chip_register *r, unsigned element,
				       char *buf, size_t len);
/* The name of MODEL's attribute group GROUP ("REGISTER"), or NULL. */
const char *chip_group_name(const struct chip_model *model, uint32_t group);
/* How wide the value of attribute (GROUP, ATTR) is: its register's width,
 * else that of any register of the group, else the group's value_width; 0
 * when the model does not say. */
unsigned chip_attr_value_width(const struct chip_model *model, uint32_t group, uint64_t attr);

/* The attr bits that pick instance INDEX (a vCPU id) of MODEL: its MPIDR
 * for CHIP_ATTR_MPIDR_VCPU, else 0. A snapshot ORs them into each read. */
uint64_t chip_instance_attr_bits(const struct chip_model *model, int32_t index);
/* The instance an attr reaches: the vCPU id its MPIDR names
 * (CHIP_ATTR_MPIDR_VCPU; -1 when it is not one KVM gives a vCPU), else 0. */
int32_t chip_attr_instance(const struct chip_model *model, uint64_t attr);

const struct chip_register *chip_register_by_name(const struct chip_model *model,
						  const char *name);

/* Allocate the reads a snapshot of MODEL needs (status -ENODATA until read). */
int chip_state_init(struct chip_state *state, const struct chip_model *model, uint32_t vm,
		    int32_t index);
void chip_state_free(struct chip_state *state);
int chip_state_copy(struct chip_state *dst, const struct chip_state *src);
struct chip_read_result *chip_state_find_read(const struct chip_state *state,
					      enum chip_read_kind kind, uint32_t group,
					      uint64_t attr);

#endif
