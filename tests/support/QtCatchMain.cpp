#define CATCH_CONFIG_RUNNER
#include <QApplication>
#include <catch2/catch.hpp>

// Tests of app/ and ui/ build a real QApplication, on the offscreen platform unless the
// environment chose another one (Xvfb, a desktop).
int main(int argc, char* argv[]) {
    if (qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    // The editor and limner-cli default to the bundled model (limner-mini) where they find it;
    // tests choose their backend themselves, and those of the bundled model set this variable to
    // its folder. (Inherited by the limner-cli processes the tests start.)
    if (!qEnvironmentVariableIsSet("LIMNER_BUNDLED_MODEL"))
        qputenv("LIMNER_BUNDLED_MODEL", "none");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("limner-tests"));
    QApplication::setOrganizationName(QStringLiteral("Limner"));
    return Catch::Session().run(argc, argv);
}
