package io.raylite.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

class CaliforniaHousingTest {
  /** From the data README: the sha256 of the published {@code cal_housing.data}. */
  private static final String SHA256 = "d3d8a1a722ae78f91134862727d27a70b1415e7d512a89140406248687f4b902";

  @Test
  void bundledTable_isThePublishedFileByteForByte() throws Exception {
    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    try (InputStream in = new GZIPInputStream(
        CaliforniaHousing.class.getResourceAsStream(CaliforniaHousing.RESOURCE))) {
      byte[] buffer = new byte[1 << 16];
      for (int n; (n = in.read(buffer)) > 0; ) {
        sha.update(buffer, 0, n);
      }
    }
    assertEquals(SHA256, HexFormat.of().formatHex(sha.digest()));
  }

  @Test
  void load_gives20640RowsOf8Features() {
    HousingData all = CaliforniaHousing.load();
    assertEquals(20_640, all.size());
    assertEquals(8, all.features()[20_639].length);
    assertEquals(20_639, all.rowIds()[20_639]);
  }

  @Test
  void row0_derivesFeaturesAsScikitLearn() {
    HousingData all = CaliforniaHousing.load();
    // Row 0 as the data README gives it, rounded to 6 decimals there.
    double[] expected = {8.3252, 41.0, 6.984127, 1.02381, 322.0, 2.555556, 37.88, -122.23};
    assertArrayEquals(expected, all.features()[0], 5e-7);
    // Exact derivations from the raw columns 880 rooms, 129 bedrooms, 322 people, 126 households.
    assertEquals(880.0 / 126.0, all.features()[0][2]);
    assertEquals(129.0 / 126.0, all.features()[0][3]);
    assertEquals(322.0 / 126.0, all.features()[0][5]);
    assertEquals(4.526, all.target()[0], 1e-12);
  }

  @Test
  void parse_rejectsARowWithTheWrongNumberOfColumns() {
    IOException e = assertThrows(IOException.class,
        () -> CaliforniaHousing.parse(new StringReader("1,2,3,4,5,6,7,8,9\n1,2,3\n")));
    assertEquals("line 2: expected 9 columns, got 3", e.getMessage());
  }

  @Test
  void parse_rejectsANonNumber() {
    IOException e = assertThrows(IOException.class,
        () -> CaliforniaHousing.parse(new StringReader("1,2,3,4,5,6,7,x,9\n")));
    assertEquals("line 1, column 8: not a number: x", e.getMessage());
  }
}
