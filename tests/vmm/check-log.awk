# Check a testvmm --log file for internal consistency (mawk/gawk).
#   awk -f check-log.awk vmm.jsonl
# Every line must carry the documented keys; seq must count 1, 2, 3...; cmd
# must be the x86-64 number of the named ioctl; "in"/"out"/"value" must
# have the payload lengths the format promises. Prints one line per problem
# and "check-log: N records, N problems"; exits 1 on any problem.

function field(name,    m) {
	# string fields: "name":"..." ; numbers: "name":-12
	if (match($0, "\"" name "\":\"[^\"]*\"")) {
		m = substr($0, RSTART + length(name) + 4, RLENGTH - length(name) - 5)
		return m
	}
	if (match($0, "\"" name "\":-?[0-9]+")) {
		return substr($0, RSTART + length(name) + 3, RLENGTH - length(name) - 3)
	}
	return "<missing>"
}

function problem(msg) {
	printf "check-log: line %d (%s): %s\n", NR, name, msg
	problems++
}

# Little-endian u32 from the first 8 hex digits.
function le32(hex,    i, v, d) {
	v = 0
	for (i = 7; i >= 1; i -= 2) {
		d = substr(hex, i, 2)
		v = v * 256 + index("0123456789abcdef", substr(d, 1, 1)) * 16 - 16 \
			+ index("0123456789abcdef", substr(d, 2, 1)) - 1
	}
	return v
}

BEGIN {
	# name -> cmd, bytes read ("in"), bytes written back ("out")
	split("KVM_GET_API_VERSION 0xae00 0 0 KVM_CREATE_VM 0xae01 0 0 " \
	      "KVM_CHECK_EXTENSION 0xae03 0 0 KVM_CREATE_VCPU 0xae41 0 0 " \
	      "KVM_CREATE_IRQCHIP 0xae60 0 0 KVM_IRQ_LINE 0x4008ae61 8 0 " \
	      "KVM_GET_IRQCHIP 0xc208ae62 520 520 KVM_SET_IRQCHIP 0x8208ae63 520 0 " \
	      "KVM_IRQ_LINE_STATUS 0xc008ae67 8 8 KVM_SET_GSI_ROUTING 0x4008ae6a -1 0 " \
	      "KVM_IRQFD 0x4020ae76 32 0 KVM_INTERRUPT 0x4004ae86 4 0 " \
	      "KVM_GET_LAPIC 0x8400ae8e 0 1024 KVM_SET_LAPIC 0x4400ae8f 1024 0 " \
	      "KVM_NMI 0xae9a 0 0 KVM_SIGNAL_MSI 0x4020aea5 32 0 " \
	      "KVM_CREATE_DEVICE 0xc00caee0 12 12 KVM_SET_DEVICE_ATTR 0x4018aee1 24 0 " \
	      "KVM_GET_DEVICE_ATTR 0x4018aee2 24 -2 KVM_HAS_DEVICE_ATTR 0x4018aee3 24 0", t, " ")
	for (i = 1; i <= 80; i += 4) {
		cmd[t[i]] = t[i + 1]
		inlen[t[i]] = t[i + 2]
		outlen[t[i]] = t[i + 3]
	}
}

{
	name = field("ioctl")
	records++
	for (k = split("seq fd_kind fd cmd ret errno in out tid pid arg note", keys, " "); k > 0; k--)
		if (field(keys[k]) == "<missing>")
			problem("no \"" keys[k] "\"")
	if (field("seq") != NR)
		problem("seq " field("seq") ", expected " NR)
	if (!(name in cmd)) {
		problem("unknown ioctl")
		next
	}
	if (field("cmd") != cmd[name])
		problem("cmd " field("cmd") ", expected " cmd[name])
	if (field("fd_kind") !~ /^(system|vm|vcpu|device)$/)
		problem("bad fd_kind")
	ret = field("ret") + 0
	err = field("errno") + 0
	if ((ret < 0) != (err != 0))
		problem("ret " ret " with errno " err)
	in_hex = field("in")
	out_hex = field("out")
	if (in_hex ~ /[^0-9a-f]/ || out_hex ~ /[^0-9a-f]/)
		problem("hex is not lowercase hex")

	want_in = inlen[name]
	if (want_in == -1)   # routing: header + nr * 48
		want_in = 8 + 48 * le32(in_hex)
	if (length(in_hex) != 2 * want_in)
		problem("in has " length(in_hex) / 2 " bytes, expected " want_in)

	want_out = outlen[name]
	if (want_out == -2)  # GET_DEVICE_ATTR: the value, 8 bytes for u64 attributes
		want_out = 8
	if (ret < 0)
		want_out = 0
	if (length(out_hex) != 2 * want_out)
		problem("out has " length(out_hex) / 2 " bytes, expected " want_out)

	has_value = field("value") != "<missing>"
	if (has_value != (name == "KVM_SET_DEVICE_ATTR"))
		problem("\"value\" present only for KVM_SET_DEVICE_ATTR")
	if (has_value && length(field("value")) != 8 && length(field("value")) != 16)
		problem("value is neither 4 nor 8 bytes")
}

END {
	printf "check-log: %d records, %d problems\n", records, problems
	exit problems != 0
}
