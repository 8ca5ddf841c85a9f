using Skuld.Licensing.Catalogue.Internal;

namespace Skuld.Licensing.Tests.Catalogue;

public sealed class CsvReaderTests
{
    private static List<string[]> Read(string text) =>
        [.. CsvReader.ReadRecords(new StringReader(text)).Select(r => r.ToArray())];

    [Fact]
    public void Quoted_fields_keep_commas_doubled_quotes_and_line_breaks() =>
        Assert.Equal(
            [["a", "b,c", "say \"hi\"", "x\r\ny"], ["1", "", "3", ""]],
            Read("a,\"b,c\",\"say \"\"hi\"\"\",\"x\r\ny\"\r\n1,,3,\r\n"));

    [Fact]
    public void LF_and_CRLF_both_end_records_and_blank_lines_are_skipped() =>
        Assert.Equal([["a", "b"], ["c", "d"], ["e", "f"]], Read("a,b\n\r\nc,d\r\ne,f"));

    [Fact]
    public void An_empty_quoted_field_is_a_field() => Assert.Equal([[""], ["", ""]], Read("\"\"\n,\n"));

    [Fact]
    public void An_unterminated_quote_is_an_error() =>
        Assert.Throws<InvalidDataException>(() => Read("a,\"b\n"));

    [Fact]
    public void A_table_row_with_the_wrong_field_count_is_an_error() =>
        Assert.Throws<InvalidDataException>(() => CsvReader.ReadTable(new StringReader("a,b\n1\n")).ToList());
}
