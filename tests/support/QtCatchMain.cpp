#define CATCH_CONFIG_RUNNER
#include <QApplication>
#include <catch2/catch.hpp>

// Tests of app/ and ui/ build a real QApplication, on the offscreen platform unless the
// environment chose another one (Xvfb, a desktop).
int main(int argc, char* argv[]) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("limner-tests"));
    QApplication::setOrganizationName(QStringLiteral("Limner"));
    return Catch::Session().run(argc, argv);
}
