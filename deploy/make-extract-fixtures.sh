#!/usr/bin/env bash
# Writes the documents that the extraction tests (adapters/tests/extract/) read, made by real tools:
# PDFs by reportlab, fpdf2 and pypdf, DOCX by python-docx, XLSX by openpyxl, images by Pillow, CSV
# and JSON by Python's own writers; plus the hostile ones (zip bombs as .docx, PDF stream bombs,
# PDFs with too many pages or recursive forms, XLSX with a huge sheet, deeply nested JSON, files
# under the wrong extension).
#
# Target directory: $BOTWOT_EXTRACT_FIXTURES, default $HOME/.cache/botwot-fixtures/extract.
# Idempotent: it does nothing when the directory was made by this very version of the script.
# Needs python3 (3.9+) with venv and pip reaching PyPI; the Python packages go into a private
# virtual environment beside the fixtures ($BOTWOT_EXTRACT_FIXTURES/../extract-venv).
set -euo pipefail

script_dir="$(cd "$(dirname "$0")" && pwd)"
target="${BOTWOT_EXTRACT_FIXTURES:-$HOME/.cache/botwot-fixtures/extract}"
venv="$(dirname "$target")/extract-venv"
stamp_value="$(sha256sum "$script_dir/make-extract-fixtures.sh" | cut -d' ' -f1)"

if [[ -f "$target/.complete" && "$(cat "$target/.complete")" == "$stamp_value" ]]; then
  echo "extract fixtures up to date in $target"
  exit 0
fi

# Debian's own python3 ships venv separately; install what is missing when we may.
install_debian_python() {
  if command -v apt-get >/dev/null 2>&1 && [[ "$(id -u)" == 0 ]]; then
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv python3-pip >/dev/null
  else
    echo "make-extract-fixtures: needs python3 with the venv module (Debian: python3-venv)" >&2
    exit 1
  fi
}

mkdir -p "$(dirname "$target")"
command -v python3 >/dev/null 2>&1 || install_debian_python
if [[ ! -x "$venv/bin/python" ]]; then
  if ! python3 -m venv "$venv"; then
    rm -rf "$venv"
    install_debian_python
    python3 -m venv "$venv"
  fi
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  'reportlab>=4,<5' 'fpdf2>=2.7,<3' 'pypdf>=4,<7' 'python-docx>=1,<2' 'openpyxl>=3.1,<4' 'Pillow>=10'

staging="$(mktemp -d "$(dirname "$target")/extract-staging.XXXXXX")"
trap 'rm -rf "$staging"' EXIT

BOTWOT_REPO="$script_dir/.." "$venv/bin/python" - "$staging" <<'PY'
import csv, io, json, os, shutil, struct, sys, zipfile, zlib

out = sys.argv[1]
def path(name):
    return os.path.join(out, name)

# ---------------------------------------------------------------- PDF (reportlab)
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
import reportlab

def write_pdf(name, pages, title=None, font=("Helvetica", 12)):
    c = canvas.Canvas(path(name), pagesize=A4)
    if title:
        c.setTitle(title)
    for lines in pages:
        c.setFont(*font)
        y = 780
        for line in lines:
            c.drawString(72, y, line)
            y -= 20
        c.showPage()
    c.save()

write_pdf("report.pdf", [
    ["Quarterly Operations Report", "The lighthouse keeper counts twelve ships every morning."],
    ["Billing", "Invoices are payable within thirty days of delivery."],
    ["Refunds", "Refunds are issued to the original payment method."],
], title="Quarterly Operations Report")

# An embedded TrueType subset (reportlab ships DejaVu-free Vera fonts): text decodes only through
# the font's ToUnicode map, as in most PDFs written by office software.
vera = os.path.join(os.path.dirname(reportlab.__file__), "fonts", "Vera.ttf")
pdfmetrics.registerFont(TTFont("Vera", vera))
write_pdf("embedded-font.pdf", [
    ["Greetings from Zurich: the café opens at nine."],
    ["Naïve questions are welcome at the front desk."],
], font=("Vera", 12))

# fpdf2 embeds TrueType fonts as CID fonts (Type0, Identity-H), as browsers and office suites do.
from fpdf import FPDF
cid = FPDF()
cid.set_title("Branch Notices")
cid.add_font("Vera", fname=vera)
cid.set_font("Vera", size=12)
for line in ["Transfers to the Zürich branch take two working days.",
             "Façade repairs finish before the spring fair."]:
    cid.add_page()
    cid.cell(text=line)
cid.output(path("cid-font.pdf"))

# A page with a 6000 x 6000 white image (108 MB of pixels, compressing about 1000:1): images are
# never inflated for text, so this is not a bomb.
from PIL import Image as PilImage
from reportlab.lib.utils import ImageReader
c = canvas.Canvas(path("large-image.pdf"), pagesize=A4)
c.setFont("Helvetica", 12)
c.drawString(72, 780, "The floor plan below shows every fire exit.")
c.drawImage(ImageReader(PilImage.new("RGB", (6000, 6000), (255, 255, 255))), 72, 200, width=400, height=400)
c.showPage()
c.save()

write_pdf("blank.pdf", [[], []])

write_pdf("many-pages.pdf", [["Page %d of a very long file." % (n + 1)] for n in range(600)])

# A 100-page manual of real prose (the PRD's sentences, 34 lines a page, wrapped at 90
# characters) for the ingestion benchmark's pages-per-second figure.
import textwrap
prd = os.path.join(os.environ["BOTWOT_REPO"], "benches", "data", "corpus", "prd.md")
with open(prd, encoding="utf-8") as source:
    prose = [line for raw in source for line in textwrap.wrap(raw.strip(), 90) if line.strip()]
prose = [line.encode("latin-1", "replace").decode("latin-1") for line in prose]
write_pdf("manual.pdf", [[prose[(page * 34 + n) % len(prose)] for n in range(34)] for page in range(100)],
          title="Operations manual", font=("Helvetica", 10))

# A one-page PDF whose content stream inflates to 300 MB of spaces (a decompression bomb): the
# compressed stream is made with zlib and set on the page through pypdf.
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, NumberObject, StreamObject
write_pdf("bomb-base.pdf", [["This page hides a very large content stream."]])
writer = PdfWriter(clone_from=path("bomb-base.pdf"))
compressor = zlib.compressobj(9)
chunk = b"BT ET " * (1 << 20)  # 6 MiB of harmless operators
parts = [compressor.compress(chunk) for _ in range(50)]  # 300 MiB inflated
parts.append(compressor.flush())
bomb = StreamObject()
bomb._data = b"".join(parts)
bomb[NameObject("/Filter")] = NameObject("/FlateDecode")
bomb[NameObject("/Length")] = NumberObject(len(bomb._data))
writer.pages[0][NameObject("/Contents")] = writer._add_object(bomb)
with open(path("stream-bomb.pdf"), "wb") as handle:
    writer.write(handle)
os.remove(path("bomb-base.pdf"))

# The same bomb behind an ASCII85 + Flate filter chain, so the compressed bytes are not raw zlib.
import base64
writer = PdfWriter(clone_from=path("report.pdf"))
compressor = zlib.compressobj(9)
parts = [compressor.compress(chunk) for _ in range(50)]
parts.append(compressor.flush())
chained = StreamObject()
chained._data = base64.a85encode(b"".join(parts)) + b"~>"
chained[NameObject("/Filter")] = ArrayObject([NameObject("/ASCII85Decode"), NameObject("/FlateDecode")])
writer.pages[0][NameObject("/Contents")] = writer._add_object(chained)
with open(path("chained-stream-bomb.pdf"), "wb") as handle:
    writer.write(handle)

# Encrypted with an empty user password (RC4, readable without a password): once with text, once
# with the stream bomb, which only shows after decryption.
for source, target in [("report.pdf", "encrypted.pdf"), ("stream-bomb.pdf", "encrypted-stream-bomb.pdf")]:
    writer = PdfWriter(clone_from=path(source))
    writer.encrypt(user_password="", owner_password="owner-secret", algorithm="RC4-128")
    with open(path(target), "wb") as handle:
        writer.write(handle)

# Form XObjects: one that paints itself (endless recursion in a naive text extractor), and a chain
# of 40 forms each painting the next twice (2^40 paintings).
def form_pdf(name, build):
    writer = PdfWriter(clone_from=path("report.pdf"))
    page = writer.pages[0]
    first = build(writer)
    resources = DictionaryObject({NameObject("/XObject"): DictionaryObject({NameObject("/Fm0"): first})})
    page[NameObject("/Resources")] = resources
    content = StreamObject()
    content._data = b"/Fm0 Do"
    page[NameObject("/Contents")] = writer._add_object(content)
    with open(path(name), "wb") as handle:
        writer.write(handle)

def new_form(writer, data):
    form = StreamObject()
    form._data = data
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = ArrayObject([NumberObject(0), NumberObject(0), NumberObject(100), NumberObject(100)])
    return form, writer._add_object(form)

def self_painting(writer):
    form, reference = new_form(writer, b"/Fm0 Do")
    form[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject({NameObject("/Fm0"): reference})})
    return reference

def fan_out(writer):
    form, reference = new_form(writer, b"BT /F1 12 Tf 72 700 Td (leaf) Tj ET")
    for _ in range(40):
        form, parent = new_form(writer, b"/Fm0 Do /Fm0 Do")
        form[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): DictionaryObject({NameObject("/Fm0"): reference})})
        reference = parent
    return reference

form_pdf("form-loop.pdf", self_painting)
form_pdf("form-fan-out.pdf", fan_out)

# ---------------------------------------------------------------- DOCX (python-docx)
import docx
document = docx.Document()
document.core_properties.title = "Employee Handbook"
document.add_heading("Leave policy", level=1)
document.add_paragraph("Employees receive twenty-five days of paid leave each year.")
document.add_heading("Travel", level=1)
document.add_paragraph("Economy class is booked for flights under six hours.")
table = document.add_table(rows=1, cols=2)
table.rows[0].cells[0].text = "Equipment"
table.rows[0].cells[1].text = "Laptop returns go to the service desk."
# A text box as Word writes it: a paragraph inside a run, once in mc:Choice and again in the
# mc:Fallback branch for older readers (the text must come out once).
from docx.oxml import parse_xml
text_box_paragraph = ('<w:txbxContent><w:p><w:r><w:t>Text box: visitors park on level two.</w:t>'
                      '</w:r></w:p></w:txbxContent>')
parking = document.add_paragraph("Parking rules follow.")
parking._p.append(parse_xml(
    '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
    'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
    'xmlns:v="urn:schemas-microsoft-com:vml"><mc:AlternateContent>'
    '<mc:Choice Requires="wps"><w:drawing><wps:txbx>' + text_box_paragraph + '</wps:txbx></w:drawing></mc:Choice>'
    '<mc:Fallback><w:pict><v:textbox>' + text_box_paragraph + '</v:textbox></w:pict></mc:Fallback>'
    '</mc:AlternateContent></w:r>'))
document.save(path("handbook.docx"))

# A DOCX with a 3000 x 3000 white bitmap (27 MB, compressing about 1000:1): media parts are never
# inflated for text, so this is not a bomb.
from PIL import Image as PilImage
PilImage.new("RGB", (3000, 3000), (255, 255, 255)).save(path("white.bmp"))
pictured = docx.Document()
pictured.add_paragraph("The evacuation map is attached below.")
pictured.add_picture(path("white.bmp"))
pictured.save(path("picture.docx"))
os.remove(path("white.bmp"))

# A zip bomb dressed as a DOCX: a real DOCX whose document part is replaced by 400 MB of
# whitespace (compresses about 1000:1).
with zipfile.ZipFile(path("handbook.docx")) as source, \
        zipfile.ZipFile(path("zip-bomb.docx"), "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb_zip:
    for item in source.infolist():
        if item.filename == "word/document.xml":
            with bomb_zip.open("word/document.xml", "w", force_zip64=False) as part:
                block = b" " * (1 << 20)
                for _ in range(400):
                    part.write(block)
        else:
            bomb_zip.writestr(item, source.read(item.filename))

# The same bomb with its size fields rewritten to claim 1000 bytes: only counting the bytes while
# inflating catches it.
data = bytearray(open(path("zip-bomb.docx"), "rb").read())
def patch_sizes(signature, offset_of_size):
    start = 0
    while True:
        at = data.find(signature, start)
        if at < 0:
            return
        name_length = struct.unpack_from("<H", data, at + (26 if signature == b"PK\x03\x04" else 28))[0]
        name_start = at + (30 if signature == b"PK\x03\x04" else 46)
        if bytes(data[name_start:name_start + name_length]) == b"word/document.xml":
            struct.pack_into("<I", data, at + offset_of_size, 1000)
        start = at + 4
patch_sizes(b"PK\x03\x04", 22)
patch_sizes(b"PK\x01\x02", 24)
open(path("lying-zip-bomb.docx"), "wb").write(bytes(data))

# A DOCX with 12,000 extra parts: past the archive entry cap.
with zipfile.ZipFile(path("handbook.docx")) as source, \
        zipfile.ZipFile(path("many-entries.docx"), "w", zipfile.ZIP_DEFLATED) as crowded:
    for item in source.infolist():
        crowded.writestr(item, source.read(item.filename))
    for number in range(12000):
        crowded.writestr("customXml/part%d.xml" % number, "<a/>")

# ---------------------------------------------------------------- XLSX (openpyxl)
import openpyxl
workbook = openpyxl.Workbook()
workbook.properties.title = "Price List"
prices = workbook.active
prices.title = "Prices"
prices.append(["Product", "Monthly price"])
prices.append(["Standard plan", 49])
prices.append(["Premium plan", 99.5])
prices.append(["The warehouse closes at six on Fridays."])
import datetime
prices.append(["Price list valid from", datetime.date(2025, 3, 1)])
contacts = workbook.create_sheet("Contacts")
contacts.append(["Role", "Email"])
contacts.append(["Support desk", "help@example.com"])
workbook.save(path("prices.xlsx"))

# Two cells at opposite corners of the largest sheet Excel allows: a reader that allocates the
# declared dimension would need 17 billion cells.
sparse = openpyxl.Workbook()
corners = sparse.active
corners.title = "Corners"
corners["A1"] = "Top left corner note."
corners["XFD1048576"] = "Bottom right corner note."
sparse.save(path("sparse.xlsx"))

huge = openpyxl.Workbook(write_only=True)
sheet = huge.create_sheet("Huge")
row = list(range(1000))
for _ in range(1100):  # 1.1 million cells
    sheet.append(row)
huge.save(path("huge-sheet.xlsx"))

# ---------------------------------------------------------------- CSV, JSON, text, Markdown, HTML
with open(path("faq.csv"), "w", newline="", encoding="utf-8") as handle:
    writer_csv = csv.writer(handle)
    writer_csv.writerow(["question", "answer"])
    writer_csv.writerow(["How long does shipping take?", "Shipping takes three to five business days."])
    writer_csv.writerow(["Do you ship abroad?", "Yes, to \"most\" countries, except a few islands."])

with open(path("wide.csv"), "w", newline="", encoding="utf-8") as handle:
    writer_csv = csv.writer(handle)
    for r in range(200):
        writer_csv.writerow([f"r{r}c{c}" for c in range(50)])  # 10,000 cells

with open(path("company.json"), "w", encoding="utf-8") as handle:
    json.dump({
        "company": {"name": "Acme Tools", "support": {"hours": "Weekdays from nine to five"}},
        "plans": [{"name": "Standard", "price": 49}, {"name": "Premium", "price": 99}],
        "active": True,
    }, handle, indent=2)

with open(path("nested.json"), "w", encoding="utf-8") as handle:
    handle.write("[" * 100000 + "]" * 100000)

with open(path("notes.txt"), "w", encoding="utf-8") as handle:
    handle.write("The parking garage opens at seven.\nVisitors sign in at reception.\n")
with open(path("latin1.txt"), "wb") as handle:
    handle.write("Crème brûlée is served on Sundays.\n".encode("latin-1"))
with open(path("utf16.txt"), "wb") as handle:
    handle.write("Das Büro schließt um fünf.\n".encode("utf-16"))
with open(path("whitespace.txt"), "w", encoding="utf-8") as handle:
    handle.write("   \n\n\t  \n")

with open(path("guide.md"), "w", encoding="utf-8") as handle:
    handle.write(
        "# Onboarding guide\n\n"
        "New starters meet their **buddy** on the first day.\n\n"
        "## Equipment\n\n"
        "- A laptop is ready at the front desk.\n"
        "- Badges are printed by [security](https://example.com/security).\n\n"
        "```\nmake setup\n```\n")

with open(path("page.html"), "w", encoding="utf-8") as handle:
    handle.write("""<!DOCTYPE html>
<html><head><title>Help centre</title>
<style>body { color: red; } .hidden-rule { display: none; }</style>
<script>var trackingSecret = "do not index this";</script></head>
<body>
<nav><a href="/">Home</a> <a href="/about">About us navigation</a></nav>
<h1>Returns</h1>
<p>Items can be returned within thirty days &amp; without a receipt.</p>
<h2>Warranty</h2>
<p>Every kettle has a <b>two year</b> warranty.</p>
<ul><li>Toasters: one year</li><li>Blenders: three years</li></ul>
<noscript>Enable scripts to continue</noscript>
</body></html>
""")

with open(path("cyrillic.html"), "w", encoding="windows-1251") as handle:
    handle.write('<html><head><meta http-equiv="Content-Type" content="text/html; charset=windows-1251">'
                 "<title>Доставка</title></head><body><p>Доставка занимает три дня.</p></body></html>")

with open(path("deep.html"), "w", encoding="utf-8") as handle:
    handle.write("<html><body>" + "<div>" * 200000 + "Deep inside the markup." + "</div>" * 200000 + "</body></html>")

# ---------------------------------------------------------------- wrong extensions
from PIL import Image
Image.new("RGB", (64, 64), (200, 30, 30)).save(path("image.png"))
shutil.copy(path("image.png"), path("image-named.pdf"))
shutil.copy(path("notes.txt"), path("text-named.pdf"))
shutil.copy(path("prices.xlsx"), path("sheet-named.docx"))
shutil.copy(path("report.pdf"), path("pdf-named.html"))
PY

rm -rf "$target"
echo "$stamp_value" > "$staging/.complete"
mv "$staging" "$target"
trap - EXIT
echo "extract fixtures written to $target"
