package io.bidisync.udfs.model;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KeyTextTest {

    @Test
    void aSinglePartIsItselfSoSingleColumnKeysReadAsTheyAlwaysDid() {
        assertThat(KeyText.join(List.of("42"))).isEqualTo("42");
        assertThat(KeyText.join(List.of("[\"x\"]"))).isEqualTo("[\"x\"]");
        assertThat(KeyText.split("[\"x\"]", 1)).containsExactly("[\"x\"]");
    }

    @Test
    void severalPartsRoundTripWhateverCharactersTheyHold() {
        List<String> parts = List.of("A-17", "3", "", "a\",\"b", "\\", "😀 ü");
        String text = KeyText.join(parts);
        assertThat(text).startsWith("[\"A-17\",\"3\"");
        assertThat(KeyText.split(text, parts.size())).isEqualTo(parts);
    }

    @Test
    void aKeyOfAnotherSizeIsRefused() {
        assertThatThrownBy(() -> KeyText.split("[\"a\",\"b\"]", 3))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("3 parts");
        assertThatThrownBy(() -> KeyText.split("plain", 2))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> KeyText.split("[{\"a\":1},\"b\"]", 2))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
