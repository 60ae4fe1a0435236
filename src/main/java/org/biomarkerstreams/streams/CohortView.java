package org.biomarkerstreams.streams;

/**
 * One cohort view as the topology wires it: how a patient's records contribute to groups, how a group renders,
 * and the names of its processors, stores and repartition topic (part of the upgrade contract).
 */
record CohortView(
        String contributorName,
        String sentStore,
        String repartition,
        String groupName,
        String membersStore,
        ContributionProcessor.Contributor contributor,
        CohortGroupProcessor.GroupView view) {}
