# names.awk: "mangled<TAB>demangled" lines (the demangler's input and output
# pasted side by side) -> "mangled<TAB>name<TAB>short<TAB>base", with the
# functions of demangled.awk (load it first):
#   awk -f grader/profile/demangled.awk -f grader/profile/names.awk
#   name   canonical_name: one spelling whatever the demangler
#   short  short_name: transpose_tiled<unsigned int, 32, 8, 0>
#   base   base_name: transpose_tiled
# A name the demangler left alone (extern "C") is its own short and base.
BEGIN { FS = OFS = "\t" }
{
    mangled = $1; name = $2
    if (name == "") name = mangled
    print mangled, canonical_name(name), short_name(name), base_name(name)
}
