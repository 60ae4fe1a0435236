package org.biomarkerstreams.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.Size;
import net.jqwik.api.constraints.StringLength;
import net.jqwik.api.constraints.UniqueElements;

class PseudonymProperties {

    private final Pseudonym pseudonym = Pseudonym.withKey(PseudonymTest.KEY);

    @Property(tries = 50)
    void shouldGiveDistinctIdsDistinctPseudonyms(
            @ForAll @Size(min = 2, max = 200) @UniqueElements Set<@StringLength(min = 1, max = 24) String> ids) {
        Map<String, String> seen = new HashMap<>();
        for (String id : ids) {
            String previous = seen.put(pseudonym.of(id), id);
            assertThat(previous).as("pseudonym of %s also of %s", id, previous).isNull();
        }
    }

    @Property(tries = 200)
    void shouldAlwaysHaveThePseudonymShape(@ForAll @StringLength(max = 64) String id) {
        assertThat(Pseudonym.looksLike(pseudonym.of(id))).isTrue();
    }

    @Property(tries = 200)
    void shouldBeAFunctionOfTheId(@ForAll @StringLength(max = 64) String id) {
        assertThat(Pseudonym.withKey(PseudonymTest.KEY).of(id)).isEqualTo(pseudonym.of(id));
    }
}
