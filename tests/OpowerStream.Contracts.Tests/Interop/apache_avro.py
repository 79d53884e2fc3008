"""Apache Avro (python3-avro) side of the contracts' interoperability tests; run by ApacheAvroTools."""
import io, json, struct, sys
try:
    import avro.io, avro.schema
except ImportError as error:
    sys.stderr.write("cannot import avro: %s\n" % error)
    sys.exit(3)

# CRC-64-AVRO as the Avro specification writes it (python3-avro 1.11 has no fingerprint function).
EMPTY = 0xC15D213AA4D7A795
TABLE = []
for i in range(256):
    fp = i
    for _ in range(8):
        fp = (fp >> 1) ^ (EMPTY & -(fp & 1))
    TABLE.append(fp)

def crc64_avro(data):
    fp = EMPTY
    for b in data:
        fp = (fp >> 8) ^ TABLE[(fp ^ b) & 0xFF]
    return fp

def load(path):
    with open(path, encoding="utf-8") as f:
        return avro.schema.parse(f.read())

def fingerprint(schema):
    return crc64_avro(schema.canonical_form.encode("utf-8"))

def schema_info(paths):
    """Per schema file: Apache Avro's canonical form and its CRC-64-AVRO."""
    for path in paths:
        schema = load(path)
        print(json.dumps({"canonical": schema.canonical_form, "fingerprint": "%016x" % fingerprint(schema)}))

def decode(schema_path, events_path):
    """Per line of hex single-object events: the header's fingerprint, the schema's, and the datum."""
    schema = load(schema_path)
    reader = avro.io.DatumReader(schema)
    with open(events_path) as f:
        for line in f:
            event = bytes.fromhex(line.strip())
            body = io.BytesIO(event[10:])
            datum = reader.read(avro.io.BinaryDecoder(body))
            print(json.dumps({
                "marker": event[:2].hex(),
                "fingerprint": "%016x" % struct.unpack("<Q", event[2:10])[0],
                "schema_fingerprint": "%016x" % fingerprint(schema),
                "unread_bytes": len(event) - 10 - body.tell(),
                "datum": datum,
            }, default=lambda value: value.hex()))

def encode(schema_path, datums_path):
    """Per datum of a JSON array: a hex single-object event written by Apache Avro."""
    schema = load(schema_path)
    header = b"\xc3\x01" + struct.pack("<Q", fingerprint(schema))
    writer = avro.io.DatumWriter(schema)
    with open(datums_path, encoding="utf-8") as f:
        datums = json.load(f)
    for datum in datums:
        body = io.BytesIO()
        writer.write(datum, avro.io.BinaryEncoder(body))
        print((header + body.getvalue()).hex())

commands = {"schema-info": lambda args: schema_info(args), "decode": lambda args: decode(*args), "encode": lambda args: encode(*args)}
commands[sys.argv[1]](sys.argv[2:])
