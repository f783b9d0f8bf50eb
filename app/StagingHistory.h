#pragma once

#include "app/StagingEntry.h"

#include <vector>

namespace limner::app {

// The per-document strip of every job's candidates, newest last. A value type: Document keeps
// one (not part of undo, so accepting a candidate or undoing never loses an entry), projects
// save and load it. The oldest entries go once there are more than capacity().
class StagingHistory {
public:
    // Adds the entry with a fresh id (entry.id is overwritten) and returns that id.
    int add(StagingEntry entry);
    bool remove(int id);
    void clear();

    const std::vector<StagingEntry>& entries() const { return m_entries; }
    const StagingEntry* find(int id) const; // nullptr when absent
    int size() const { return static_cast<int>(m_entries.size()); }
    bool isEmpty() const { return m_entries.empty(); }

    // For loading: entries as saved, ids kept; the next id continues after the largest.
    void restore(std::vector<StagingEntry> entries);

    static constexpr int capacity() { return 64; }

private:
    std::vector<StagingEntry> m_entries;
    int m_nextId = 1;
};

} // namespace limner::app
