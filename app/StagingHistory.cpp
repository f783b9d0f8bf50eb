#include "app/StagingHistory.h"

#include <algorithm>
#include <utility>

namespace limner::app {

int StagingHistory::add(StagingEntry entry) {
    entry.id = m_nextId++;
    m_entries.push_back(std::move(entry));
    if (size() > capacity())
        m_entries.erase(m_entries.begin(), m_entries.begin() + (size() - capacity()));
    return m_entries.back().id;
}

bool StagingHistory::remove(int id) {
    const auto it = std::find_if(m_entries.begin(), m_entries.end(),
                                 [id](const StagingEntry& e) { return e.id == id; });
    if (it == m_entries.end())
        return false;
    m_entries.erase(it);
    return true;
}

void StagingHistory::clear() {
    m_entries.clear();
}

const StagingEntry* StagingHistory::find(int id) const {
    const auto it = std::find_if(m_entries.begin(), m_entries.end(),
                                 [id](const StagingEntry& e) { return e.id == id; });
    return it == m_entries.end() ? nullptr : &*it;
}

void StagingHistory::restore(std::vector<StagingEntry> entries) {
    m_entries = std::move(entries);
    int largest = 0;
    for (const StagingEntry& e : m_entries)
        largest = std::max(largest, e.id);
    m_nextId = largest + 1;
}

} // namespace limner::app
