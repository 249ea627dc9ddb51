package qemuguest

// ProbeFirmware is a 64 KiB BIOS image that does what every kernel must
// do first: leave real mode, then run end, at most 10 bytes of 32-bit
// code with a flat %ds, at 0xF001E. /dev/kvm alone proves little: nested
// virtualisation can hand out one that opens and runs real-mode code but
// hangs every guest that leaves it, so a driver runs this on KVM before
// it trusts it. From the reset vector it loads a flat GDT, enables
// protected mode, far-jumps into 32-bit code and loads %ds. Built from
// (GNU as, --32, then objcopy -O binary):
//
//	.code16
//	start: cli; lgdtl %cs:gdtr; mov %cr0,%eax; or $1,%al; mov %eax,%cr0
//	       ljmpl $0x08, $(0xF0000 + pm32)
//	.code32
//	pm32:  mov $0x10,%ax; mov %ax,%ds; END
//	gdt:   (at 0x28) null; code 0x00CF9A000000FFFF; data 0x00CF92000000FFFF
//	gdtr:  (at 0x40) .word 23; .long 0xF0028
//	       (at 0xFFF0, the reset vector) ljmp $0xF000, $start
func ProbeFirmware(end []byte) []byte {
	if len(end) > 0x28-0x1e {
		panic("qemuguest: probe firmware end longer than 10 bytes")
	}
	b := make([]byte, 64<<10)
	copy(b, []byte{
		0xfa, 0x2e, 0x66, 0x0f, 0x01, 0x16, 0x40, 0x00, 0x0f, 0x20, 0xc0, 0x0c, 0x01, 0x0f, 0x22, 0xc0,
		0x66, 0xea, 0x18, 0x00, 0x0f, 0x00, 0x08, 0x00, 0x66, 0xb8, 0x10, 0x00, 0x8e, 0xd8,
	})
	copy(b[0x1e:], end)
	copy(b[0x28:], []byte{
		0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 0xff, 0x00, 0x00, 0x00, 0x9a, 0xcf, 0x00,
		0xff, 0xff, 0x00, 0x00, 0x00, 0x92, 0xcf, 0x00,
		0x17, 0x00, 0x28, 0x00, 0x0f, 0x00,
	})
	copy(b[0xfff0:], []byte{0xea, 0x00, 0x00, 0x00, 0xf0})
	return b
}
