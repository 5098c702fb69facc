#!/usr/bin/perl
# tap-tally.pl: the passed, failed and skipped tests of TAP files, read by
# TAP::Parser (the parser prove itself uses), as "PASSED FAILED SKIPPED".
# A file whose TAP does not parse (no plan, a wrong count: a test program
# that died) adds one failure. ci/test.sh prints the totals as its last line.
use strict;
use warnings;
use TAP::Parser;

my ($passed, $failed, $skipped) = (0, 0, 0);
for my $file (@ARGV) {
    open my $fh, '<', $file or die "tap-tally: $file: $!\n";
    my $tap = do { local $/; <$fh> };
    close $fh;
    my $parser = TAP::Parser->new({ tap => $tap });
    while (my $r = $parser->next) {
        next unless $r->is_test;
        if ($r->has_skip) { $skipped++ }
        elsif ($r->is_ok) { $passed++ }
        else { $failed++ }
    }
    $failed++ if $parser->parse_errors;
}
print "$passed $failed $skipped\n";
